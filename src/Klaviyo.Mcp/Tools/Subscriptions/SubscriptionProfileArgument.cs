using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Subscriptions;

[Description("A person to subscribe or unsubscribe: an email for the email channel, a phone number for SMS.")]
public sealed record SubscriptionProfileArgument
{
    [Description("Email address.")]
    public string? Email { get; init; }

    [Description("Phone number in E.164 format, e.g. \"+15005550006\".")]
    public string? PhoneNumber { get; init; }
}
