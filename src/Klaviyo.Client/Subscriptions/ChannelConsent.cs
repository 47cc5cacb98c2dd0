namespace Klaviyo.Client.Subscriptions;

/// <summary>A channel's marketing consent.</summary>
public sealed record ChannelConsent(MarketingConsent Marketing);
