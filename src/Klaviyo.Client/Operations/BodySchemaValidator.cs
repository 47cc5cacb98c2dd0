using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Klaviyo.Client.Operations;

/// <summary>
/// Validates request bodies against one operation's compact schema with JsonSchema.Net, and turns its hierarchical
/// output into plain violations: one per problem, with the body path and a rule in words. An <c>anyOf</c> that fails
/// is explained through the one branch the value was evidently meant for (its JSON type, and members with a single
/// allowed value such as <c>type</c> or <c>method</c>), or else as a list of the allowed forms, never as every
/// branch's errors.
/// </summary>
internal sealed partial class BodySchemaValidator
{
    /// <summary>At most this many violations are listed; the rest are counted.</summary>
    public const int MaxViolations = 100;

    private static readonly EvaluationOptions s_options = new()
    {
        OutputFormat = OutputFormat.Hierarchical,
        RequireFormatValidation = true,
        FormatRegistry = LenientFormats(),
    };

    // Keywords whose failure only says that something inside failed; the inner results say what.
    private static readonly HashSet<string> s_aggregates = new(StringComparer.Ordinal) { "properties", "items", "$ref", "allOf", "anyOf", "oneOf", "additionalProperties", "prefixItems", "contains" };

    private readonly JsonDocument _document;
    private readonly JsonSchema _schema;

    public BodySchemaValidator(JsonElement schema, JsonElement definitions)
    {
        // Before any of the library's types is used: see JsonSchemaLibrary.
        JsonSchemaLibrary.EnsureInitialized();
        _document = JsonDocument.Parse(OperationSchemaReader.Compose(schema, definitions));
        _schema = JsonSchema.Build(_document.RootElement, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private JsonElement Root => _document.RootElement;

    private JsonElement Definitions => Root.GetProperty("$defs");

    public IReadOnlyList<OperationViolation> Validate(JsonElement body)
    {
        var results = _schema.Evaluate(body, s_options);
        if (results.IsValid)
        {
            return [];
        }

        var violations = new List<OperationViolation>();
        Explain(results, body, violations);
        var distinct = violations.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return [new("body", "does not match the schema")];
        }

        return distinct.Count <= MaxViolations ? distinct : [.. distinct.Take(MaxViolations), new("body", $"{distinct.Count - MaxViolations} more violations not shown")];
    }

    private void Explain(EvaluationResults node, JsonElement body, List<OperationViolation> violations)
    {
        if (node.IsValid)
        {
            return;
        }

        var evaluationPath = Segments(node.EvaluationPath.ToString());
        var instancePath = Segments(node.InstanceLocation.ToString());
        var schema = SchemaAt(evaluationPath);
        var instance = InstanceAt(body, instancePath);
        var path = PathText(body, instancePath);

        if (node.Errors is { Count: > 0 } errors)
        {
            foreach (var (keyword, message) in errors)
            {
                Describe(keyword, message, schema, evaluationPath, instance, path, violations);
            }
        }

        var details = node.Details ?? [];
        var branches = details.Where(d => IsBranchOf(evaluationPath, Segments(d.EvaluationPath.ToString()))).ToList();
        foreach (var detail in details)
        {
            if (!branches.Contains(detail))
            {
                Explain(detail, body, violations);
            }
        }

        if (branches.Count > 0 && branches.All(b => !b.IsValid))
        {
            ExplainAnyOf(branches, body, instance, path, violations);
        }
    }

    private void Describe(string keyword, string message, JsonElement? schema, string[] evaluationPath, JsonElement instance, string path, List<OperationViolation> violations)
    {
        var s = schema is { } found ? OperationSchemaReader.Resolve(found, Definitions) : default;
        switch (keyword)
        {
            case "required" when s.ValueKind == JsonValueKind.Object && s.TryGetProperty("required", out var required):
                foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
                {
                    if (instance.ValueKind == JsonValueKind.Object && !instance.TryGetProperty(name, out _))
                    {
                        violations.Add(new(Child(path, name), "is required"));
                    }
                }

                return;
            case "type" when s.ValueKind == JsonValueKind.Object:
                var types = OperationSchemaReader.Types(s, Definitions);
                violations.Add(new(path, $"must be {string.Join(" or ", types.Select(OperationSchemaReader.WithArticle))}, not {OperationSchemaReader.WithArticle(OperationSchemaReader.KindName(instance))}"));
                return;
            case "enum" when s.ValueKind == JsonValueKind.Object && s.TryGetProperty("enum", out var values):
                violations.Add(new(path, "must be one of " + OperationSchemaReader.ListValues([.. values.EnumerateArray().Select(OperationSchemaReader.ValueText)])));
                return;
            case "format" when s.ValueKind == JsonValueKind.Object && s.TryGetProperty("format", out var format):
                violations.Add(new(path, FormatRule(format.GetString())));
                return;
            case "" when evaluationPath.Length > 0 && evaluationPath[^1] == "additionalProperties":
                var owner = SchemaAt(evaluationPath[..^1]);
                var allowed = owner is { } o && OperationSchemaReader.Resolve(o, Definitions) is { ValueKind: JsonValueKind.Object } resolved && resolved.TryGetProperty("properties", out var properties)
                    ? properties.EnumerateObject().Select(p => p.Name).ToList()
                    : [];
                violations.Add(new(path, allowed.Count == 0 ? "is not defined by the schema" : "is not defined by the schema; allowed here: " + OperationSchemaReader.ListValues(allowed)));
                return;
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "minItems" or "maxItems" or "minLength" or "maxLength" or "minProperties" or "maxProperties" or "pattern"
                when s.ValueKind == JsonValueKind.Object && s.TryGetProperty(keyword, out var limit):
                violations.Add(new(path, LimitRule(keyword, limit)));
                return;
            default:
                if (!s_aggregates.Contains(keyword))
                {
                    violations.Add(new(path, message));
                }

                return;
        }
    }

    private void ExplainAnyOf(List<EvaluationResults> branches, JsonElement body, JsonElement instance, string path, List<OperationViolation> violations)
    {
        var forms = new List<string>();
        var candidates = new List<(EvaluationResults Branch, int Matches)>();
        foreach (var branch in branches)
        {
            var schema = SchemaAt(Segments(branch.EvaluationPath.ToString())) is { } found ? OperationSchemaReader.Resolve(found, Definitions) : default;
            if (schema.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            forms.Add(Form(schema));
            if (!OperationSchemaReader.Allows(OperationSchemaReader.Types(schema, Definitions), instance))
            {
                continue;
            }

            var matches = 0;
            var contradicts = false;
            foreach (var (name, value) in Discriminators(schema))
            {
                if (instance.ValueKind == JsonValueKind.Object && instance.TryGetProperty(name, out var given))
                {
                    if (given.ValueKind == value.ValueKind && given.GetRawText() == value.GetRawText())
                    {
                        matches++;
                    }
                    else
                    {
                        contradicts = true;
                    }
                }
            }

            if (!contradicts)
            {
                candidates.Add((branch, matches));
            }
        }

        if (candidates.Any(c => c.Matches > 0))
        {
            var best = candidates.Max(c => c.Matches);
            candidates.RemoveAll(c => c.Matches < best);
        }

        if (candidates.Count == 1)
        {
            Explain(candidates[0].Branch, body, violations);
            return;
        }

        if (candidates.Count > 1)
        {
            var explained = candidates.Select(c =>
            {
                var own = new List<OperationViolation>();
                Explain(c.Branch, body, own);
                return own.Distinct().ToList();
            }).ToList();
            var fewest = explained.Min(e => e.Count);
            if (fewest > 0 && explained.Count(e => e.Count == fewest) == 1)
            {
                violations.AddRange(explained.First(e => e.Count == fewest));
                return;
            }
        }

        var distinctForms = forms.Distinct().ToList();
        var listed = distinctForms.Count <= 12 ? distinctForms : [.. distinctForms.Take(12), $"... ({distinctForms.Count} forms in all)"];
        violations.Add(new(path, "must be one of these forms: " + string.Join("; ", listed)));
    }

    // Members whose schema allows exactly one value: "type": "send-email", "method": "immediate".
    private IEnumerable<(string Name, JsonElement Value)> Discriminators(JsonElement schema)
    {
        if (!schema.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var member = OperationSchemaReader.Resolve(property.Value, Definitions);
            if (member.ValueKind == JsonValueKind.Object && member.TryGetProperty("enum", out var values) && values.GetArrayLength() == 1)
            {
                yield return (property.Name, values[0]);
            }
        }
    }

    private string Form(JsonElement schema)
    {
        var discriminator = Discriminators(schema).FirstOrDefault();
        if (discriminator.Name is not null)
        {
            return $"an object with {discriminator.Name} {discriminator.Value.GetRawText()}";
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            var texts = values.EnumerateArray().Select(v => v.GetRawText()).ToList();
            return texts.Count == 1 ? texts[0] : "one of " + OperationSchemaReader.ListValues(texts, 10);
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            var names = schema.TryGetProperty("required", out var required) && required.GetArrayLength() > 0
                ? required.EnumerateArray().Select(n => n.GetString()!).ToList()
                : properties.EnumerateObject().Select(p => p.Name).ToList();
            var which = schema.TryGetProperty("required", out _) ? "with" : "with some of";
            return names.Count == 0 ? "an empty object" : $"an object {which} {OperationSchemaReader.ListValues(names, 8)}";
        }

        var types = OperationSchemaReader.Types(schema, Definitions);
        var text = types.Count == 0 ? "any value" : string.Join(" or ", types.Select(OperationSchemaReader.WithArticle));
        return schema.TryGetProperty("format", out var format) ? $"{text} ({format.GetString()})" : text;
    }

    // Follows an evaluation path through the schema document. JsonSchema.Net 8 writes an "items" step as "items/items".
    private JsonElement? SchemaAt(string[] segments)
    {
        var current = Root;
        for (var i = 0; i < segments.Length; i++)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var segment = segments[i];
            switch (segment)
            {
                case "$ref":
                    var name = OperationSchemaReader.ReferenceName(current);
                    if (name is null || !Definitions.TryGetProperty(name, out current))
                    {
                        return null;
                    }

                    break;
                case "properties" or "anyOf" or "allOf" or "oneOf" when i + 1 < segments.Length:
                    if (!current.TryGetProperty(segment, out var container))
                    {
                        return null;
                    }

                    i++;
                    if (container.ValueKind == JsonValueKind.Object && container.TryGetProperty(segments[i], out var member))
                    {
                        current = member;
                    }
                    else if (container.ValueKind == JsonValueKind.Array && int.TryParse(segments[i], CultureInfo.InvariantCulture, out var index) && index < container.GetArrayLength())
                    {
                        current = container[index];
                    }
                    else
                    {
                        return null;
                    }

                    break;
                case "items" or "additionalProperties":
                    if (!current.TryGetProperty(segment, out current))
                    {
                        return null;
                    }

                    if (segment == "items" && i + 1 < segments.Length && segments[i + 1] == "items")
                    {
                        i++;
                    }

                    break;
                default:
                    return null;
            }
        }

        return current;
    }

    private static bool IsBranchOf(string[] parent, string[] child) =>
        child.Length == parent.Length + 2 && child[^2] == "anyOf" && parent.AsSpan().SequenceEqual(child.AsSpan(0, parent.Length));

    private static JsonElement InstanceAt(JsonElement body, string[] segments)
    {
        var current = body;
        foreach (var segment in segments)
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var member))
            {
                current = member;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return default;
            }
        }

        return current;
    }

    private static string PathText(JsonElement body, string[] segments)
    {
        var path = "body";
        var current = body;
        foreach (var segment in segments)
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                path += "[" + segment + "]";
                current = int.TryParse(segment, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength() ? current[index] : default;
            }
            else
            {
                path = Child(path, segment);
                current = current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var member) ? member : default;
            }
        }

        return path;
    }

    /// <summary><c>parent.name</c>, or <c>parent["odd name"]</c> for a name that is not plain letters, digits, <c>_</c>, <c>-</c> or <c>$</c>.</summary>
    internal static string Child(string parent, string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$')
            ? parent + "." + name
            : parent + "[" + JsonSerializer.Serialize(name, OperationCatalogJsonContext.Default.String) + "]";

    private static string[] Segments(string pointer) =>
        pointer.Length == 0 ? [] : [.. pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    // JSON Schema's "time" needs a zone (RFC 3339 full-time); Klaviyo's flow times (delay_until_time, trigger_time) are
    // wall-clock times with the zone given apart, so 09:00 and 09:00:00 are accepted too.
    private static FormatRegistry LenientFormats()
    {
        var formats = new FormatRegistry();
        formats.Register(new PredicateFormat("time", value => value.ValueKind != JsonValueKind.String || TimeOfDay().IsMatch(value.GetString()!)));
        return formats;
    }

    [GeneratedRegex(@"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|z|[+-]([01]\d|2[0-3]):[0-5]\d)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeOfDay();

    private static string FormatRule(string? format) => format switch
    {
        "date-time" => "must be a date-time such as 2026-01-01T09:00:00Z (ISO 8601 with a time zone)",
        "date" => "must be a date such as 2026-01-01",
        "time" => "must be a time of day such as 09:00 or 09:00:00",
        "uri" => "must be an absolute URL such as https://example.com/path",
        "email" => "must be an email address",
        _ => $"must be in the format {format}",
    };

    private static string LimitRule(string keyword, JsonElement limit) => keyword switch
    {
        "minimum" => $"must be at least {limit.GetRawText()}",
        "maximum" => $"must be at most {limit.GetRawText()}",
        "exclusiveMinimum" => $"must be more than {limit.GetRawText()}",
        "exclusiveMaximum" => $"must be less than {limit.GetRawText()}",
        "minItems" => $"must have at least {limit.GetRawText()} items",
        "maxItems" => $"must have at most {limit.GetRawText()} items",
        "minLength" => $"must be at least {limit.GetRawText()} characters long",
        "maxLength" => $"must be at most {limit.GetRawText()} characters long",
        "minProperties" => $"must have at least {limit.GetRawText()} members",
        "maxProperties" => limit.GetRawText() == "0" ? "must be an empty object" : $"must have at most {limit.GetRawText()} members",
        _ => $"must match the pattern {limit.GetRawText()}",
    };
}
