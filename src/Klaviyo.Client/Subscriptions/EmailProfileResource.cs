using System.Text.Json.Serialization;

namespace Klaviyo.Client.Subscriptions;

/// <summary>A profile named by its email alone.</summary>
public sealed record EmailProfileResource(EmailProfileAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "profile";
}
