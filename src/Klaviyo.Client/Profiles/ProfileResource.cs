using System.Text.Json.Serialization;

namespace Klaviyo.Client.Profiles;

/// <summary>
/// A profile written by Create Profile (<c>ProfileCreateQuery</c>, no id or meta) or Create or Update Profile
/// (<c>ProfileUpsertQuery</c>: optional id, and <c>meta.patch_properties</c> beside the attributes).
/// </summary>
public sealed record ProfileResource(ProfileAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "profile";

    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }

    public ProfileMeta? Meta { get; init; }
}
