using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>Checks an operation's path and query parameters, and writes its query string.</summary>
internal static class RequestParameterRules
{
    // The order KlaviyoQuery writes parameters in; parameters of one kind keep the spec's order.
    private static readonly QueryParameterKind[] s_order =
    [
        QueryParameterKind.Filter, QueryParameterKind.Sort, QueryParameterKind.PageSize, QueryParameterKind.PageCursor,
        QueryParameterKind.Fields, QueryParameterKind.AdditionalFields, QueryParameterKind.Include, QueryParameterKind.Other,
    ];

    public static void CheckPath(ApiOperation operation, IReadOnlyDictionary<string, string?>? given, List<OperationViolation> violations)
    {
        foreach (var name in operation.PathParameters)
        {
            if (given is null || !given.TryGetValue(name, out var value) || value is null)
            {
                violations.Add(new("path_params." + name, $"is required: {operation.Id} is {operation.Method} {operation.Path}"));
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                violations.Add(new("path_params." + name, "must not be blank"));
            }
        }

        foreach (var name in given?.Keys ?? [])
        {
            if (!operation.PathParameters.Contains(name))
            {
                var rule = operation.PathParameters.Count == 0
                    ? $"is not a path parameter: {operation.Id} takes none"
                    : $"is not a path parameter of {operation.Id}; it takes: {string.Join(", ", operation.PathParameters)}";
                violations.Add(new("path_params." + name, rule));
            }
        }
    }

    public static void CheckQuery(ApiOperation operation, IReadOnlyDictionary<string, JsonElement>? query, List<OperationViolation> violations)
    {
        foreach (var (name, value) in query ?? new Dictionary<string, JsonElement>())
        {
            var path = "query." + name;
            var parameter = operation.QueryParameter(name);
            if (parameter is null)
            {
                violations.Add(new(path, Unknown(operation, name)));
                continue;
            }

            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                continue;
            }

            switch (parameter.Kind)
            {
                case QueryParameterKind.PageSize:
                    CheckPageSize(parameter, value, path, violations);
                    break;
                case QueryParameterKind.Fields or QueryParameterKind.AdditionalFields or QueryParameterKind.Include:
                    CheckList(parameter, value, path, violations);
                    break;
                case QueryParameterKind.Filter:
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        violations.Add(new(path, "must be a string such as equals(email,\"someone@example.com\")"));
                    }
                    else if (!FilterExpression.TryParse(value.GetString()!, out var expression, out var error))
                    {
                        violations.Add(new(path, error!));
                    }
                    else
                    {
                        violations.AddRange(expression!.Check(operation.FilterFields).Select(problem => new OperationViolation(path, problem)));
                    }

                    break;
                default:
                    CheckSingle(parameter, value, path, violations);
                    break;
            }
        }

        foreach (var parameter in operation.QueryParameters.Where(p => p.Required))
        {
            if (query is null || !query.TryGetValue(parameter.Name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
                || (value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString())))
            {
                var hint = parameter.Kind == QueryParameterKind.Filter && operation.FilterFields.Count > 0
                    ? "; filterable fields: " + string.Join(", ", operation.FilterFields.Select(f => f.Field))
                    : parameter.Values is { Count: > 0 } values ? "; one of " + OperationSchemaReader.ListValues(values) : "";
                violations.Add(new("query." + parameter.Name, $"is required by {operation.Id}{hint}"));
            }
        }
    }

    public static string QueryString(ApiOperation operation, IReadOnlyDictionary<string, JsonElement>? query, string? cursor)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in query ?? new Dictionary<string, JsonElement>())
        {
            var parameter = operation.QueryParameter(name);
            var written = parameter is { List: true } || value.ValueKind == JsonValueKind.Array ? ListText(value) : ValueText(value);
            if (!string.IsNullOrEmpty(written))
            {
                values[name] = written;
            }
        }

        if (!string.IsNullOrEmpty(cursor) && operation.CursorParameter is { } cursorName)
        {
            values[cursorName] = cursor;
        }

        var ordered = operation.QueryParameters
            .Select((p, index) => (p.Name, Rank: Array.IndexOf(s_order, p.Kind) * 1000 + index))
            .Where(p => values.ContainsKey(p.Name))
            .OrderBy(p => p.Rank)
            .Select(p => p.Name)
            .Concat(values.Keys.Where(k => operation.QueryParameter(k) is null).Order(StringComparer.Ordinal));

        var text = new StringBuilder();
        foreach (var name in ordered)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(values[name]));
        }

        return text.ToString();
    }

    private static string Unknown(ApiOperation operation, string name)
    {
        if (operation.QueryParameters.Count == 0)
        {
            return $"is not a query parameter: {operation.Id} takes none";
        }

        var names = operation.QueryParameters.Select(p => p.Name).ToList();
        var closest = NameSuggestions.Closest(name, names);
        return $"is not a query parameter of {operation.Id}{(closest is null ? "" : $" (did you mean {closest}?)")}; it takes: {string.Join(", ", names)}";
    }

    private static void CheckPageSize(ApiQueryParameter parameter, JsonElement value, string path, List<OperationViolation> violations)
    {
        long size = 0;
        var isInteger = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out size),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out size),
            _ => false,
        };
        var min = parameter.Minimum ?? 1;
        var max = parameter.Maximum ?? int.MaxValue;
        if (!isInteger || size < min || size > max)
        {
            violations.Add(new(path, parameter.Maximum is null ? $"must be a whole number of at least {min}" : $"must be a whole number from {min} to {max}"));
        }
    }

    private static void CheckList(ApiQueryParameter parameter, JsonElement value, string path, List<OperationViolation> violations)
    {
        List<string> items;
        if (value.ValueKind == JsonValueKind.String)
        {
            items = [.. value.GetString()!.Split(',').Select(v => v.Trim())];
        }
        else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
        {
            items = [.. value.EnumerateArray().Select(v => v.GetString()!.Trim())];
        }
        else
        {
            violations.Add(new(path, "must be a comma-separated string or an array of strings"));
            return;
        }

        if (items.All(i => i.Length == 0))
        {
            violations.Add(new(path, "must name at least one value" + Allowed(parameter)));
            return;
        }

        foreach (var item in items.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (parameter.Values is { Count: > 0 } values && !values.Contains(item))
            {
                violations.Add(new(path, $"\"{item}\" is not allowed{Suggestion(item, values)}{Allowed(parameter)}"));
            }
        }
    }

    private static void CheckSingle(ApiQueryParameter parameter, JsonElement value, string path, List<OperationViolation> violations)
    {
        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
        {
            violations.Add(new(path, "must be a single value, not " + OperationSchemaReader.WithArticle(OperationSchemaReader.KindName(value))));
            return;
        }

        var text = ValueText(value);
        if (parameter.Values is { Count: > 0 } values && !values.Contains(text))
        {
            violations.Add(new(path, $"\"{text}\" is not allowed{Suggestion(text, values)}{Allowed(parameter)}"));
        }
    }

    private static string Suggestion(string given, IReadOnlyList<string> values) =>
        NameSuggestions.Closest(given, values) is { } closest ? $" (did you mean {closest}?)" : "";

    private static string Allowed(ApiQueryParameter parameter) =>
        parameter.Values is { Count: > 0 } values ? "; allowed: " + OperationSchemaReader.ListValues(values, 40) : "";

    private static string ListText(JsonElement value)
    {
        IEnumerable<string> items = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(ValueText)
            : ValueText(value).Split(',');
        return string.Join(',', items.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal));
    }

    private static string ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };
}
