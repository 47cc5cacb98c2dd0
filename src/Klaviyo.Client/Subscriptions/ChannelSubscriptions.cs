namespace Klaviyo.Client.Subscriptions;

/// <summary>Consent per channel; a channel left null is not changed.</summary>
public sealed record ChannelSubscriptions(ChannelConsent? Email = null, ChannelConsent? Sms = null);
