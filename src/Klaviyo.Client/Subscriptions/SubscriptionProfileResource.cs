using System.Text.Json.Serialization;

namespace Klaviyo.Client.Subscriptions;

/// <summary>One profile in a subscription job: its identifiers and the consent to record per channel.</summary>
public sealed record SubscriptionProfileResource(SubscriptionProfileAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "profile";
}
