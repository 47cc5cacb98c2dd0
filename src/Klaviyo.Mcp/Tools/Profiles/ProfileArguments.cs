using System.Text.Json;
using Klaviyo.Client.Profiles;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Profiles;

/// <summary>The profile attributes the profile tools take as separate arguments, checked and mapped in one place.</summary>
public sealed record ProfileArguments(
    string? Email,
    string? PhoneNumber,
    string? ExternalId,
    string? FirstName,
    string? LastName,
    string? Organization,
    string? Locale,
    string? Title,
    string? Image,
    ProfileLocationArgument? Location,
    Dictionary<string, JsonElement>? Properties)
{
    public const string EmailText = "Email.";
    public const string PhoneText = "E.164, e.g. +15005550006.";
    public const string ExternalIdText = "Your own id.";
    public const string FirstNameText = "First name.";
    public const string LastNameText = "Last name.";
    public const string OrganizationText = "Company.";
    public const string LocaleText = "e.g. en-US.";
    public const string TitleText = "Job title.";
    public const string ImageText = "Image URL.";
    public const string LocationText = "Postal location.";
    public const string PropertiesText = "Custom properties to set.";

    /// <summary>Checks identifiers (with <paramref name="id"/> counting as one when given), location and properties.</summary>
    public Dictionary<string, string> Check(string? id, bool requireIdentifier, ArgumentErrors errors)
    {
        IEnumerable<(string, string?)> identifiers = [("email", Email), ("phone_number", PhoneNumber), ("external_id", ExternalId)];
        if (id is not null)
        {
            identifiers = identifiers.Prepend(("id", id));
        }

        var usable = ProfileRules.CheckIdentifiers("", identifiers, requireIdentifier, errors);
        if (Location is { } location)
        {
            ProfileRules.CheckCoordinates("location", location.Latitude, location.Longitude, errors);
        }

        if (Properties is { } properties)
        {
            PropertyLimits.Check(properties, "properties", errors);
        }

        return usable;
    }

    public ProfileAttributes ToAttributes() => new()
    {
        Email = Email,
        PhoneNumber = PhoneNumber,
        ExternalId = ExternalId,
        FirstName = FirstName,
        LastName = LastName,
        Organization = Organization,
        Locale = Locale,
        Title = Title,
        Image = Image,
        Location = Location?.ToLocation(),
        Properties = Properties,
    };
}
