using System.Text.Json;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Where each profile field comes from in an import file: a column named by <c>mapping</c>, else the field's own name
/// or a common alias, matched ignoring case. Every other column becomes a custom property, unless
/// <see cref="PropertyColumns"/> (only these) or <see cref="IgnoreColumns"/> say otherwise.
/// </summary>
public sealed record ProfileImportMapping
{
    /// <summary>The profile fields, each with the column names tried when the mapping names none (the field's own name first).</summary>
    public static readonly (string Field, string[] Defaults)[] Fields =
    [
        ("email", ["email", "email_address"]),
        ("phone_number", ["phone_number", "phone"]),
        ("external_id", ["external_id", "id", "customer_id"]),
        ("first_name", ["first_name"]),
        ("last_name", ["last_name"]),
        ("organization", ["organization", "company"]),
        ("title", ["title"]),
        ("locale", ["locale"]),
        ("image", ["image"]),
        ("address1", ["address1"]),
        ("address2", ["address2"]),
        ("city", ["city"]),
        ("region", ["region", "state"]),
        ("zip", ["zip", "postal_code"]),
        ("country", ["country"]),
        ("timezone", ["timezone"]),
        ("latitude", ["latitude"]),
        ("longitude", ["longitude"]),
    ];

    /// <summary>Field name to the column the mapping gives for it.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string>? PropertyColumns { get; init; }

    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];

    public string Fingerprint() => string.Join('|',
        string.Join(',', Columns.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value)),
        PropertyColumns is null ? "*" : string.Join(',', PropertyColumns),
        string.Join(',', IgnoreColumns));

    /// <summary>Reads the tool's <c>mapping</c> argument; problems are recorded under <c>mapping.*</c>.</summary>
    public static ProfileImportMapping Parse(Dictionary<string, JsonElement>? mapping, ArgumentErrors errors)
    {
        if (mapping is null)
        {
            return new ProfileImportMapping();
        }

        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string>? properties = null;
        var ignore = new List<string>();
        foreach (var (key, value) in mapping)
        {
            var path = "mapping." + key;
            if (key is "property_columns" or "ignore_columns")
            {
                var list = new List<string>();
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString())))
                {
                    errors.Add(path, "must be an array of column names");
                }
                else
                {
                    list.AddRange(value.EnumerateArray().Select(v => v.GetString()!.Trim()));
                }

                if (key == "property_columns")
                {
                    properties = list;
                }
                else
                {
                    ignore = list;
                }
            }
            else if (!Fields.Any(f => f.Field == key))
            {
                errors.Add(path, $"is not a profile field; use {string.Join(", ", Fields.Select(f => f.Field))}, property_columns or ignore_columns");
            }
            else if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                errors.Add(path, "must be the name of a column");
            }
            else
            {
                columns[key] = value.GetString()!.Trim();
            }
        }

        return new ProfileImportMapping { Columns = columns, PropertyColumns = properties, IgnoreColumns = ignore };
    }
}
