using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Subscriptions;

/// <summary>A person to subscribe or unsubscribe: an email for the email channel, a phone number for SMS.</summary>
public sealed record SubscriptionProfileArgument
{
    [Description("Email.")]
    public string? Email { get; init; }

    [Description("E.164, e.g. +15005550006.")]
    public string? PhoneNumber { get; init; }
}
