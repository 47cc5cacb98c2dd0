using System.ComponentModel;
using System.Text.Json;
using Klaviyo.Mcp.Tools.Profiles;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>create_event's profile argument: its public shape; checked and mapped as <see cref="ProfileArguments"/>.</summary>
[Description("Who did it: at least one identifier (id, email, phone_number, external_id or anonymous_id), plus any attributes to set on the profile.")]
public sealed record EventProfileArgument
{
    /// <summary>The identifiers an event's profile accepts.</summary>
    public const ProfileIdentifierKinds Identifiers =
        ProfileIdentifierKinds.Id | ProfileIdentifierKinds.Email | ProfileIdentifierKinds.PhoneNumber | ProfileIdentifierKinds.ExternalId | ProfileIdentifierKinds.AnonymousId;

    [Description(ProfileArguments.IdText)]
    public string? Id { get; init; }

    [Description(ProfileArguments.EmailText)]
    public string? Email { get; init; }

    [Description(ProfileArguments.PhoneText)]
    public string? PhoneNumber { get; init; }

    [Description(ProfileArguments.ExternalIdText)]
    public string? ExternalId { get; init; }

    [Description(ProfileArguments.AnonymousIdText)]
    public string? AnonymousId { get; init; }

    [Description(ProfileArguments.FirstNameText)]
    public string? FirstName { get; init; }

    [Description(ProfileArguments.LastNameText)]
    public string? LastName { get; init; }

    [Description(ProfileArguments.OrganizationText)]
    public string? Organization { get; init; }

    [Description(ProfileArguments.LocaleText)]
    public string? Locale { get; init; }

    [Description(ProfileArguments.TitleText)]
    public string? Title { get; init; }

    [Description(ProfileArguments.ImageText)]
    public string? Image { get; init; }

    [Description(ProfileArguments.LocationText)]
    public ProfileLocationArgument? Location { get; init; }

    [Description(ProfileArguments.ProfilePropertiesText)]
    public Dictionary<string, JsonElement>? Properties { get; init; }

    public ProfileArguments ToProfile() => new()
    {
        Id = Id,
        Email = Email,
        PhoneNumber = PhoneNumber,
        ExternalId = ExternalId,
        AnonymousId = AnonymousId,
        FirstName = FirstName,
        LastName = LastName,
        Organization = Organization,
        Locale = Locale,
        Title = Title,
        Image = Image,
        Location = Location,
        Properties = Properties,
    };
}
