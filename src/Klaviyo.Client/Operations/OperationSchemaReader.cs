using System.Text;
using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>Reading the catalogue's compact schemas: references into the shared definitions, types, enums, describing one in words.</summary>
internal static class OperationSchemaReader
{
    public const string DefinitionPrefix = "#/$defs/";

    /// <summary>The definition name of a <c>{"$ref": "#/$defs/Name"}</c> schema; null for any other schema.</summary>
    public static string? ReferenceName(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } text && text.StartsWith(DefinitionPrefix, StringComparison.Ordinal)
            ? text[DefinitionPrefix.Length..]
            : null;

    /// <summary>The schema itself, or the definition it refers to (followed until it is not a reference).</summary>
    public static JsonElement Resolve(JsonElement schema, JsonElement definitions)
    {
        for (var hops = 0; hops < 32 && ReferenceName(schema) is { } name; hops++)
        {
            if (!definitions.TryGetProperty(name, out schema))
            {
                throw new InvalidDataException($"The catalogue has no definition {name}");
            }
        }

        return schema;
    }

    /// <summary>Every definition a schema reaches through references, directly or through other definitions.</summary>
    public static IReadOnlyList<string> Reachable(JsonElement schema, JsonElement definitions)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonElement>();
        pending.Push(schema);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in current.EnumerateArray())
                {
                    pending.Push(item);
                }
            }
            else if (current.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in current.EnumerateObject())
                {
                    if (property.NameEquals("$ref") && ReferenceName(current) is { } name)
                    {
                        if (seen.Add(name))
                        {
                            found.Add(name);
                            pending.Push(definitions.GetProperty(name));
                        }
                    }
                    else if (!property.NameEquals("enum"))
                    {
                        pending.Push(property.Value);
                    }
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>One self-contained schema document: the root schema's keywords plus <c>$defs</c> with every definition it reaches.</summary>
    public static string Compose(JsonElement schema, JsonElement definitions)
    {
        var text = new StringBuilder("{\"$defs\":{");
        var first = true;
        foreach (var name in Reachable(schema, definitions))
        {
            text.Append(first ? "" : ",").Append(JsonSerializer.Serialize(name, OperationCatalogJsonContext.Default.String)).Append(':').Append(definitions.GetProperty(name).GetRawText());
            first = false;
        }

        text.Append('}');
        foreach (var property in schema.EnumerateObject())
        {
            text.Append(',').Append(JsonSerializer.Serialize(property.Name, OperationCatalogJsonContext.Default.String)).Append(':').Append(property.Value.GetRawText());
        }

        return text.Append('}').ToString();
    }

    /// <summary>The JSON types a schema allows (<c>object</c>, <c>string</c>, <c>null</c>, ...); empty when it says nothing about the type.</summary>
    public static IReadOnlyList<string> Types(JsonElement schema, JsonElement definitions, int depth = 0)
    {
        schema = Resolve(schema, definitions);
        if (schema.ValueKind != JsonValueKind.Object || depth > 8)
        {
            return [];
        }

        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return [.. values.EnumerateArray().Select(KindName).Distinct()];
        }

        if (schema.TryGetProperty("anyOf", out var branches))
        {
            var union = new List<string>();
            foreach (var branch in branches.EnumerateArray())
            {
                var types = Types(branch, definitions, depth + 1);
                if (types.Count == 0)
                {
                    return [];
                }

                union.AddRange(types.Where(t => !union.Contains(t)));
            }

            return union;
        }

        return schema.TryGetProperty("properties", out _) ? ["object"] : [];
    }

    /// <summary>Whether a value of this JSON kind is one of the schema types (an integer is also a number).</summary>
    public static bool Allows(IReadOnlyList<string> types, JsonElement value) =>
        types.Count == 0 || types.Contains(KindName(value)) || (value.ValueKind == JsonValueKind.Number && types.Contains("number"))
        || (value.ValueKind == JsonValueKind.Number && types.Contains("integer") && IsInteger(value));

    /// <summary>The JSON Schema type name of a value: an integral number is an <c>integer</c>.</summary>
    public static string KindName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary><c>a string</c>, <c>an object</c>, <c>an integer</c>: a type name with its article.</summary>
    public static string WithArticle(string type) => type switch
    {
        "object" or "array" or "integer" => "an " + type,
        "null" => "null",
        _ => "a " + type,
    };

    /// <summary>The values as they would be written in JSON, comma-separated; long lists are cut after <paramref name="shown"/> values.</summary>
    public static string ListValues(IReadOnlyList<string> values, int shown = 25) =>
        values.Count <= shown ? string.Join(", ", values) : string.Join(", ", values.Take(shown)) + $", ... ({values.Count} in all)";

    /// <summary>An enum value as text: strings bare, anything else as JSON.</summary>
    public static string ValueText(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static bool IsInteger(JsonElement value) => value.TryGetInt64(out _) || (value.TryGetDouble(out var number) && Math.Floor(number) == number && !double.IsInfinity(number));
}
