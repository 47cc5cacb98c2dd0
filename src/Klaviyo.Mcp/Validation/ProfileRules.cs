using System.Globalization;

namespace Klaviyo.Mcp.Validation;

/// <summary>Rules for a profile's identifiers and location, shared by the event and profile tools.</summary>
public static class ProfileRules
{
    /// <summary>
    /// Checks each given identifier (not blank; email and phone syntax) and returns the usable ones by name.
    /// With <paramref name="requireOne"/>, having none is a violation on <paramref name="path"/> that lists the names.
    /// </summary>
    public static Dictionary<string, string> CheckIdentifiers(string path, IEnumerable<(string Name, string? Value)> identifiers, bool requireOne, ArgumentErrors errors)
    {
        var usable = new Dictionary<string, string>();
        var names = new List<string>();
        var invalid = false;
        foreach (var (name, value) in identifiers)
        {
            names.Add(name);
            if (value is null)
            {
                continue;
            }

            var rule = string.IsNullOrWhiteSpace(value) ? "must not be blank; leave it out instead"
                : name == "email" && !IdentifierRules.IsEmail(value) ? $"{IdentifierRules.Quote(value)} is not an email address"
                : name == "phone_number" && !IdentifierRules.IsE164(value) ? $"{IdentifierRules.Quote(value)} is not in E.164 format (a plus sign, country code and number, digits only, e.g. \"+15005550006\")"
                : null;
            if (rule is null)
            {
                usable[name] = value;
            }
            else
            {
                errors.Add(ArgumentErrors.Join(path, name), rule);
                invalid = true;
            }
        }

        if (requireOne && usable.Count == 0 && !invalid)
        {
            errors.Add(path.Length == 0 ? "arguments" : path, $"needs at least one identifier: {string.Join(", ", names.SkipLast(1))} or {names[^1]}");
        }

        return usable;
    }

    public static void CheckCoordinates(string path, double? latitude, double? longitude, ArgumentErrors errors)
    {
        if (latitude is { } lat && !(lat >= -90 && lat <= 90))
        {
            errors.Add(ArgumentErrors.Join(path, "latitude"), $"{lat.ToString(CultureInfo.InvariantCulture)} is outside -90 to 90");
        }

        if (longitude is { } lon && !(lon >= -180 && lon <= 180))
        {
            errors.Add(ArgumentErrors.Join(path, "longitude"), $"{lon.ToString(CultureInfo.InvariantCulture)} is outside -180 to 180");
        }
    }
}
