using System.ComponentModel;
using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Events;

[Description("Who did it: at least one identifier (id, email, phone_number, external_id or anonymous_id), plus any attributes to set on the profile.")]
public sealed record EventProfileArgument
{
    [Description("Klaviyo's profile id, e.g. \"01GDDKASAP8TKDDA2GRZDSVP4H\".")]
    public string? Id { get; init; }

    [Description("Email address.")]
    public string? Email { get; init; }

    [Description("Phone number in E.164 format, e.g. \"+15005550006\".")]
    public string? PhoneNumber { get; init; }

    [Description("The person's id in an external system (CRM, shop, point of sale).")]
    public string? ExternalId { get; init; }

    [Description("An anonymous visitor id.")]
    public string? AnonymousId { get; init; }

    [Description("First name.")]
    public string? FirstName { get; init; }

    [Description("Last name.")]
    public string? LastName { get; init; }

    [Description("Company or organization the person works for.")]
    public string? Organization { get; init; }

    [Description("Locale, e.g. \"en-US\".")]
    public string? Locale { get; init; }

    [Description("Job title.")]
    public string? Title { get; init; }

    [Description("URL of a profile image.")]
    public string? Image { get; init; }

    [Description("Postal and geographic location.")]
    public ProfileLocationArgument? Location { get; init; }

    [Description("Custom profile properties to set, as a JSON object.")]
    public Dictionary<string, JsonElement>? Properties { get; init; }
}
