using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Klaviyo.Client.Profiles;

/// <summary>
/// The body of Update Profile (<c>ProfilePartialUpdateQuery</c>). Attributes are a JSON object because the difference
/// between a member set to <c>null</c> (clear the field) and a member left out (leave it alone) must reach Klaviyo.
/// </summary>
public sealed record ProfilePatchResource(string Id, JsonObject Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "profile";

    public ProfileMeta? Meta { get; init; }
}
