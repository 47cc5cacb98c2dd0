namespace Klaviyo.Client.Subscriptions;

public sealed record SubscriptionProfileAttributes(ChannelSubscriptions Subscriptions)
{
    public string? Email { get; init; }

    public string? PhoneNumber { get; init; }
}
