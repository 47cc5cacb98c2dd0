using System.ComponentModel;
using Klaviyo.Mcp.Tools.Profiles;

namespace Klaviyo.Mcp.Tools.Subscriptions;

/// <summary>A person to subscribe or unsubscribe: an email for the email channel, a phone number for SMS.</summary>
public sealed record SubscriptionProfileArgument
{
    /// <summary>The identifiers a subscription accepts: one per channel.</summary>
    public const ProfileIdentifierKinds Identifiers = ProfileIdentifierKinds.Email | ProfileIdentifierKinds.PhoneNumber;

    [Description(ProfileArguments.EmailText)]
    public string? Email { get; init; }

    [Description(ProfileArguments.PhoneText)]
    public string? PhoneNumber { get; init; }

    public ProfileArguments ToProfile() => new() { Email = Email, PhoneNumber = PhoneNumber };
}
