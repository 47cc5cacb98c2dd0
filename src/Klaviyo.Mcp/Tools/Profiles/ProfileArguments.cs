using System.Text.Json;
using Klaviyo.Client.Profiles;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Profiles;

/// <summary>
/// A profile's identifiers and attributes as the tools take them: create_event's profile, the profile tools' separate
/// arguments, subscriptions' profiles and import_profiles' rows. The argument descriptions, the checks and the mapping
/// to Klaviyo's attributes live here once; the public argument shapes only carry the values in.
/// </summary>
public sealed record ProfileArguments
{
    public const string IdText = "Klaviyo profile id.";
    public const string EmailText = "Email.";
    public const string PhoneText = "E.164, e.g. +15005550006.";
    public const string ExternalIdText = "Your own id.";
    public const string AnonymousIdText = "Anonymous visitor id.";
    public const string FirstNameText = "First name.";
    public const string LastNameText = "Last name.";
    public const string OrganizationText = "Company.";
    public const string LocaleText = "e.g. en-US.";
    public const string TitleText = "Job title.";
    public const string ImageText = "Image URL.";
    public const string LocationText = "Postal location.";
    public const string PropertiesText = "Custom properties to set.";
    public const string ProfilePropertiesText = "Custom profile properties.";

    public string? Id { get; init; }

    public string? Email { get; init; }

    public string? PhoneNumber { get; init; }

    public string? ExternalId { get; init; }

    public string? AnonymousId { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Organization { get; init; }

    public string? Locale { get; init; }

    public string? Title { get; init; }

    public string? Image { get; init; }

    public ProfileLocationArgument? Location { get; init; }

    public Dictionary<string, JsonElement>? Properties { get; init; }

    /// <summary>
    /// Checks the <paramref name="accepted"/> identifiers, the location's coordinates and the properties, recording
    /// problems under <paramref name="path"/>; returns the usable identifiers by name.
    /// </summary>
    public Dictionary<string, string> Check(string path, ProfileIdentifierKinds accepted, bool requireIdentifier, ArgumentErrors errors)
    {
        var usable = CheckIdentifiers(path, accepted, requireIdentifier, errors);
        CheckAttributes(path, ArgumentErrors.Join(path, "location"), errors);
        return usable;
    }

    /// <summary>Checks the <paramref name="accepted"/> identifiers (not blank; email and E.164 syntax); with <paramref name="requireIdentifier"/>, one must be usable.</summary>
    public Dictionary<string, string> CheckIdentifiers(string path, ProfileIdentifierKinds accepted, bool requireIdentifier, ArgumentErrors errors) =>
        ProfileRules.CheckIdentifiers(path, Identifiers(accepted), requireIdentifier, errors);

    /// <summary>Checks the coordinates (under <paramref name="locationPath"/>) and Klaviyo's limits on the properties.</summary>
    public void CheckAttributes(string path, string locationPath, ArgumentErrors errors)
    {
        if (Location is { } location)
        {
            ProfileRules.CheckCoordinates(locationPath, location.Latitude, location.Longitude, errors);
        }

        if (Properties is { } properties)
        {
            PropertyLimits.Check(properties, ArgumentErrors.Join(path, "properties"), errors);
        }
    }

    /// <summary>The text attributes by their argument names, in the order Klaviyo documents them.</summary>
    public IEnumerable<(string Name, string? Value)> TextAttributes() =>
    [
        ("email", Email), ("phone_number", PhoneNumber), ("external_id", ExternalId), ("first_name", FirstName), ("last_name", LastName),
        ("organization", Organization), ("locale", Locale), ("title", Title), ("image", Image),
    ];

    /// <summary>Klaviyo's profile attributes for these values (the id travels beside them, on the resource).</summary>
    public ProfileAttributes ToAttributes() => new()
    {
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
        Location = Location?.ToLocation(),
        Properties = Properties,
    };

    private IEnumerable<(string Name, string? Value)> Identifiers(ProfileIdentifierKinds accepted)
    {
        if (accepted.HasFlag(ProfileIdentifierKinds.Id))
        {
            yield return ("id", Id);
        }

        if (accepted.HasFlag(ProfileIdentifierKinds.Email))
        {
            yield return ("email", Email);
        }

        if (accepted.HasFlag(ProfileIdentifierKinds.PhoneNumber))
        {
            yield return ("phone_number", PhoneNumber);
        }

        if (accepted.HasFlag(ProfileIdentifierKinds.ExternalId))
        {
            yield return ("external_id", ExternalId);
        }

        if (accepted.HasFlag(ProfileIdentifierKinds.AnonymousId))
        {
            yield return ("anonymous_id", AnonymousId);
        }
    }
}
