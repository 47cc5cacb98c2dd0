using System.Globalization;
using System.Text.Json;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Turns an import row's fields into create_event's arguments, as <see cref="EventImportMapping"/> says.</summary>
public sealed class EventRowMapper(EventImportMapping mapping)
{
    /// <summary>
    /// For a file with a header: the explicitly named columns must exist, and the file must give a metric and at least
    /// one identifier. Problems are recorded under the mapping argument's name.
    /// </summary>
    public void CheckColumns(IReadOnlyList<string> columns, ArgumentErrors errors)
    {
        var set = new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase);
        foreach (var (argument, column) in new[]
                 {
                     ("metric_column", mapping.MetricColumn), ("email_column", mapping.EmailColumn), ("phone_number_column", mapping.PhoneNumberColumn),
                     ("external_id_column", mapping.ExternalIdColumn), ("time_column", mapping.TimeColumn), ("value_column", mapping.ValueColumn),
                     ("value_currency_column", mapping.ValueCurrencyColumn), ("unique_id_column", mapping.UniqueIdColumn),
                 })
        {
            if (column is not null && !set.Contains(column))
            {
                errors.Add(argument, $"the file has no column {IdentifierRules.Quote(column)}; its columns are {string.Join(", ", columns)}");
            }
        }

        var index = 0;
        foreach (var column in mapping.PropertyColumns ?? [])
        {
            if (!set.Contains(column))
            {
                errors.Add($"property_columns[{index}]", $"the file has no column {IdentifierRules.Quote(column)}");
            }

            index++;
        }

        if (mapping.MetricName is null && mapping.MetricColumn is null && !EventImportMapping.MetricDefaults.Any(set.Contains))
        {
            errors.Add("metric_column", $"the file has no metric column (looked for {string.Join(", ", EventImportMapping.MetricDefaults)}); give metric_column, or metric_name for one metric for every row");
        }

        if (mapping.EmailColumn is null && mapping.PhoneNumberColumn is null && mapping.ExternalIdColumn is null &&
            !EventImportMapping.EmailDefaults.Concat(EventImportMapping.PhoneDefaults).Concat(EventImportMapping.ExternalIdDefaults).Any(set.Contains))
        {
            errors.Add("email_column", $"the file has no profile identifier column (looked for email, phone_number, external_id); give email_column, phone_number_column or external_id_column. Its columns are {string.Join(", ", columns)}");
        }
    }

    /// <summary>The row's event arguments; problems with the row's values are recorded in <paramref name="errors"/>.</summary>
    public CreateEventArguments Map(JsonElement fields, ArgumentErrors errors)
    {
        // A row has a handful of members: a linear scan beats building a dictionary for every row.
        var members = new List<JsonProperty>(12);
        foreach (var member in fields.EnumerateObject())
        {
            members.Add(member);
        }

        var used = new bool[members.Count];
        string? Take(string? column, string[] defaults)
        {
            var at = column is not null ? Find(members, column) : -1;
            for (var d = 0; column is null && at < 0 && d < defaults.Length; d++)
            {
                at = Find(members, defaults[d]);
            }

            if (at < 0)
            {
                return null;
            }

            used[at] = true;
            var value = members[at].Value;
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };
        }

        var metric = mapping.MetricName ?? Take(mapping.MetricColumn, EventImportMapping.MetricDefaults);
        var email = Take(mapping.EmailColumn, EventImportMapping.EmailDefaults);
        var phone = Take(mapping.PhoneNumberColumn, EventImportMapping.PhoneDefaults);
        var externalId = Take(mapping.ExternalIdColumn, EventImportMapping.ExternalIdDefaults);
        var time = Time(Take(mapping.TimeColumn, EventImportMapping.TimeDefaults));
        var valueText = Take(mapping.ValueColumn, EventImportMapping.ValueDefaults);
        var currency = Take(mapping.ValueCurrencyColumn, EventImportMapping.CurrencyDefaults);
        var uniqueId = Take(mapping.UniqueIdColumn, EventImportMapping.UniqueIdDefaults);

        double? value = null;
        if (valueText is not null)
        {
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                value = number;
            }
            else
            {
                errors.Add("value", $"{IdentifierRules.Quote(valueText)} is not a number");
            }
        }

        var properties = new Dictionary<string, JsonElement>();
        if (mapping.PropertyColumns is { } chosen)
        {
            foreach (var column in chosen)
            {
                if (Find(members, column) is >= 0 and var at && members[at].Value.ValueKind != JsonValueKind.Null)
                {
                    properties[column] = members[at].Value;
                }
            }
        }
        else
        {
            for (var m = 0; m < members.Count; m++)
            {
                if (!used[m] && members[m].Value.ValueKind != JsonValueKind.Null)
                {
                    properties.TryAdd(members[m].Name, members[m].Value);
                }
            }
        }

        return new CreateEventArguments
        {
            Metric = metric is null ? null : new EventMetricArgument { Name = metric },
            Profile = new EventProfileArgument { Email = email, PhoneNumber = phone, ExternalId = externalId },
            Properties = properties,
            Time = time,
            Value = value,
            ValueCurrency = currency,
            UniqueId = uniqueId,
        };
    }

    private static int Find(List<JsonProperty> members, string name)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].NameEquals(name))
            {
                return i;
            }
        }

        for (var i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    // A Unix timestamp (seconds, or milliseconds when that large) becomes ISO 8601; anything else is left for the validator.
    private static string? Time(string? text)
    {
        if (text is not null && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && text.Length >= 9)
        {
            var instant = epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
            return instant.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }

        return text;
    }
}
