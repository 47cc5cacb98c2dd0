using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Klaviyo.Client.Operations;

/// <summary>
/// Builds the body schema to show: the compact schema with its references to shared definitions resolved in place,
/// level by level, as long as the whole stays within <see cref="Budget"/> bytes of JSON. Every level above the first
/// one that does not fit whole is shown completely; that level is filled in order with what still fits, and nothing
/// deeper is expanded. A reference that is not expanded, or that would repeat a schema inside itself, stays a short stub (<c>{"type": "object", "$comment": "FlowDefinition:
/// not expanded"}</c>); an enum of more than <see cref="EnumLimit"/> values (time zones) is summarised in a
/// <c>$comment</c> with a few of its values. Small schemas come out whole.
/// </summary>
internal static class DisplaySchemaBuilder
{
    public const int Budget = 8192;

    public const int EnumLimit = 100;

    private static readonly JsonSerializerOptions s_written = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = OperationCatalogJsonContext.Default };

    public static JsonElement Build(JsonElement schema, JsonElement definitions)
    {
        var pending = new Queue<(JsonObject Stub, string Name, HashSet<string> Ancestors)>();
        var root = Prepare(schema, definitions, [], pending);
        var size = Length(root);
        var deepest = int.MaxValue;
        while (pending.Count > 0)
        {
            var (stub, name, ancestors) = pending.Dequeue();
            var depth = ancestors.Count;
            if (depth > deepest)
            {
                continue;
            }

            if (ancestors.Contains(name))
            {
                stub["$comment"] = name + ": refers to itself, see above";
                continue;
            }

            var inner = new HashSet<string>(ancestors, StringComparer.Ordinal) { name };
            var found = new Queue<(JsonObject Stub, string Name, HashSet<string> Ancestors)>();
            var expansion = Prepare(definitions.GetProperty(name), definitions, inner, found);
            var growth = Length(expansion) - Length(stub);
            if (size + growth > Budget || expansion is not JsonObject expanded)
            {
                deepest = depth;
                continue;
            }

            stub.Clear();
            foreach (var (key, value) in expanded.ToList())
            {
                expanded.Remove(key);
                stub[key] = value;
            }

            size += growth;
            while (found.Count > 0)
            {
                pending.Enqueue(found.Dequeue());
            }
        }

        using var document = JsonDocument.Parse(root.ToJsonString(s_written));
        return document.RootElement.Clone();
    }

    // A copy of the schema with every reference replaced by a stub (queued for expansion) and huge enums summarised.
    private static JsonNode Prepare(JsonElement schema, JsonElement definitions, HashSet<string> ancestors, Queue<(JsonObject, string, HashSet<string>)> stubs)
    {
        if (OperationSchemaReader.ReferenceName(schema) is { } name)
        {
            var stub = new JsonObject();
            var target = definitions.GetProperty(name);
            if (target.TryGetProperty("type", out var type))
            {
                stub["type"] = JsonNode.Parse(type.GetRawText());
            }

            stub["$comment"] = name + ": not expanded";
            stubs.Enqueue((stub, name, ancestors));
            return stub;
        }

        switch (schema.ValueKind)
        {
            case JsonValueKind.Object:
                var copy = new JsonObject();
                foreach (var property in schema.EnumerateObject())
                {
                    if (property.NameEquals("enum") && property.Value.GetArrayLength() > EnumLimit)
                    {
                        var some = string.Join(", ", property.Value.EnumerateArray().Take(5).Select(OperationSchemaReader.ValueText));
                        copy["$comment"] = $"one of {property.Value.GetArrayLength()} values, such as {some}";
                    }
                    else if (property.NameEquals("enum") || property.NameEquals("required"))
                    {
                        copy[property.Name] = JsonNode.Parse(property.Value.GetRawText());
                    }
                    else if (property.NameEquals("properties"))
                    {
                        var members = new JsonObject();
                        foreach (var member in property.Value.EnumerateObject())
                        {
                            members[member.Name] = Prepare(member.Value, definitions, ancestors, stubs);
                        }

                        copy["properties"] = members;
                    }
                    else
                    {
                        copy[property.Name] = Prepare(property.Value, definitions, ancestors, stubs);
                    }
                }

                return copy;
            case JsonValueKind.Array:
                var items = new JsonArray();
                foreach (var item in schema.EnumerateArray())
                {
                    items.Add(Prepare(item, definitions, ancestors, stubs));
                }

                return items;
            default:
                return JsonNode.Parse(schema.GetRawText())!;
        }
    }

    private static int Length(JsonNode node) => System.Text.Encoding.UTF8.GetByteCount(node.ToJsonString(s_written));
}
