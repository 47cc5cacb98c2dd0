namespace Klaviyo.Client.Subscriptions;

/// <summary><c>SUBSCRIBED</c> or <c>UNSUBSCRIBED</c>, and for a historical import when consent was given.</summary>
public sealed record MarketingConsent(string Consent, DateTimeOffset? ConsentedAt = null)
{
    public const string Subscribed = "SUBSCRIBED";
    public const string Unsubscribed = "UNSUBSCRIBED";
}
