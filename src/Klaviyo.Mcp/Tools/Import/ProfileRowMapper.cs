using System.Globalization;
using System.Text.Json;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Profiles;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Turns an import row into one profile of a <c>bulk_import_profiles</c> job: the row's cells become
/// <see cref="ProfileArguments"/>, checked and mapped as every profile tool's are (phone numbers first lose spaces,
/// dashes, dots and brackets, and a leading 00 becomes +).
/// </summary>
public sealed class ProfileRowMapper(ProfileImportMapping mapping)
{
    private static readonly string[] s_location = ["address1", "address2", "city", "region", "zip", "country", "timezone", "latitude", "longitude"];

    private readonly HashSet<string> _ignored = new(mapping.IgnoreColumns, StringComparer.OrdinalIgnoreCase);

    /// <summary>For a file with a header: the named columns must exist, and the file must have an identifier column.</summary>
    public void CheckColumns(IReadOnlyList<string> columns, ArgumentErrors errors)
    {
        var set = new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase);
        foreach (var (field, column) in mapping.Columns)
        {
            if (!set.Contains(column))
            {
                errors.Add("mapping." + field, $"the file has no column {IdentifierRules.Quote(column)}; its columns are {string.Join(", ", columns)}");
            }
        }

        foreach (var column in mapping.PropertyColumns ?? [])
        {
            if (!set.Contains(column))
            {
                errors.Add("mapping.property_columns", $"the file has no column {IdentifierRules.Quote(column)}");
            }
        }

        if (!ProfileImportMapping.Fields.Take(3).Any(f => (mapping.Columns.TryGetValue(f.Field, out var c) ? [c] : f.Defaults).Any(set.Contains)))
        {
            errors.Add("mapping", $"the file has no identifier column (looked for email, email_address, phone_number, phone, external_id, id, customer_id); map email, phone_number or external_id to a column. Its columns are {string.Join(", ", columns)}");
        }
    }

    /// <summary>
    /// Writes the row as a profile resource object; returns its identifiers (email, phone_number, external_id; null
    /// when absent), or null when the row is invalid (the problems are in <paramref name="errors"/>).
    /// </summary>
    public (string? Email, string? Phone, string? ExternalId)? Map(JsonElement fields, ArgumentErrors errors, Utf8JsonWriter writer)
    {
        var members = new List<JsonProperty>(16);
        foreach (var member in fields.EnumerateObject())
        {
            members.Add(member);
        }

        var used = new bool[members.Count];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, defaults) in ProfileImportMapping.Fields)
        {
            var at = -1;
            if (mapping.Columns.TryGetValue(field, out var column))
            {
                at = Find(members, column);
            }
            else
            {
                for (var d = 0; at < 0 && d < defaults.Length; d++)
                {
                    at = Find(members, defaults[d]);
                    if (at >= 0 && mapping.Columns.Values.Contains(members[at].Name, StringComparer.OrdinalIgnoreCase))
                    {
                        at = -1; // that column is mapped to another field
                    }
                }
            }

            if (at < 0)
            {
                continue;
            }

            used[at] = true;
            var value = members[at].Value;
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };
            if (text is not null)
            {
                values[field] = field == "phone_number" ? NormalizePhone(text) : text.Trim();
            }
        }

        // Identifiers as given (a blank one is an error); other attributes only when the cell has text.
        var profile = new ProfileArguments
        {
            Email = Get("email"),
            PhoneNumber = Get("phone_number"),
            ExternalId = Get("external_id"),
            FirstName = Text("first_name"),
            LastName = Text("last_name"),
            Organization = Text("organization"),
            Title = Text("title"),
            Locale = Text("locale"),
            Image = Text("image"),
        };
        var identifiers = profile.CheckIdentifiers("", ProfileIdentifierKinds.Contact, requireIdentifier: true, errors);
        double? latitude = Coordinate("latitude"), longitude = Coordinate("longitude");

        var properties = new Dictionary<string, JsonElement>();
        for (var m = 0; m < members.Count; m++)
        {
            var name = members[m].Name;
            var wanted = mapping.PropertyColumns is { } chosen ? chosen.Contains(name, StringComparer.OrdinalIgnoreCase) : !used[m] && !_ignored.Contains(name);
            if (wanted && members[m].Value.ValueKind != JsonValueKind.Null)
            {
                properties.TryAdd(name, members[m].Value);
            }
        }

        profile = profile with
        {
            Location = s_location.Any(values.ContainsKey)
                ? new ProfileLocationArgument
                {
                    Address1 = Text("address1"),
                    Address2 = Text("address2"),
                    City = Text("city"),
                    Region = Text("region"),
                    Zip = Text("zip"),
                    Country = Text("country"),
                    Timezone = Text("timezone"),
                    Latitude = latitude,
                    Longitude = longitude,
                }
                : null,
            Properties = properties,
        };

        // The file's columns are flat, so coordinates are named as columns (latitude), not as location.latitude.
        profile.CheckAttributes("", "", errors);
        if (errors.Any)
        {
            return null;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "profile"u8);
        writer.WritePropertyName("attributes"u8);
        JsonSerializer.Serialize(writer, (profile with { Properties = properties.Count > 0 ? properties : null }).ToAttributes(), ToolJsonContext.Default.ProfileAttributes);
        writer.WriteEndObject();
        identifiers.TryGetValue("email", out var email);
        identifiers.TryGetValue("phone_number", out var phone);
        identifiers.TryGetValue("external_id", out var externalId);
        return (email, phone, externalId);

        string? Get(string field) => values.TryGetValue(field, out var v) ? v : null;

        string? Text(string field) => Get(field) is { Length: > 0 } text ? text : null;

        double? Coordinate(string field)
        {
            if (Get(field) is not { } text)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            errors.Add(field, $"{IdentifierRules.Quote(text)} is not a number");
            return null;
        }
    }

    /// <summary>"+1 (500) 555-0006", "0044 20 7946 0958" and the like become E.164 when that is all that differs.</summary>
    public static string NormalizePhone(string text)
    {
        var trimmed = text.Trim();
        Span<char> buffer = stackalloc char[Math.Min(trimmed.Length + 1, 64)];
        var length = 0;
        foreach (var c in trimmed)
        {
            if (c is ' ' or '-' or '.' or '(' or ')' or '\u00a0')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return trimmed;
            }

            buffer[length++] = c;
        }

        var compact = new string(buffer[..length]);
        if (compact.StartsWith("00", StringComparison.Ordinal))
        {
            compact = "+" + compact[2..];
        }

        return IdentifierRules.IsE164(compact) ? compact : trimmed;
    }

    private static int Find(List<JsonProperty> members, string name)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
