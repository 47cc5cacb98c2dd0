using System.ComponentModel;
using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Events;

[Description("Who did it: at least one identifier (id, email, phone_number, external_id or anonymous_id), plus any attributes to set on the profile.")]
public sealed record EventProfileArgument
{
    [Description("Klaviyo profile id.")]
    public string? Id { get; init; }

    [Description("Email.")]
    public string? Email { get; init; }

    [Description("E.164, e.g. +15005550006.")]
    public string? PhoneNumber { get; init; }

    [Description("Your own id.")]
    public string? ExternalId { get; init; }

    [Description("Anonymous visitor id.")]
    public string? AnonymousId { get; init; }

    [Description("First name.")]
    public string? FirstName { get; init; }

    [Description("Last name.")]
    public string? LastName { get; init; }

    [Description("Company.")]
    public string? Organization { get; init; }

    [Description("e.g. en-US.")]
    public string? Locale { get; init; }

    [Description("Job title.")]
    public string? Title { get; init; }

    [Description("Image URL.")]
    public string? Image { get; init; }

    [Description("Postal location.")]
    public ProfileLocationArgument? Location { get; init; }

    [Description("Custom profile properties.")]
    public Dictionary<string, JsonElement>? Properties { get; init; }
}
