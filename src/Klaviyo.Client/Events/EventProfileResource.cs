using System.Text.Json.Serialization;
using Klaviyo.Client.Profiles;

namespace Klaviyo.Client.Events;

/// <summary>The profile an event belongs to: a Klaviyo id and/or identifying attributes. <c>attributes</c> is required, possibly empty.</summary>
public sealed record EventProfileResource(ProfileAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "profile";

    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }
}
