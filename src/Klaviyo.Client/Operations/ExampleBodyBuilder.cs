using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>
/// Writes a minimal body that a compact schema accepts: required members only, the first allowed value of each enum,
/// one item per array, and placeholders that fit each format (<c>2026-01-01T09:00:00Z</c>, <c>https://example.com</c>)
/// or member name (<c>&lt;name&gt;</c>). Of the branches of an <c>anyOf</c> it takes the first that is not just null.
/// </summary>
internal static class ExampleBodyBuilder
{
    public static JsonElement Build(JsonElement schema, JsonElement definitions)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, schema, definitions, null, []);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement schema, JsonElement definitions, string? member, HashSet<string> visiting)
    {
        if (OperationSchemaReader.ReferenceName(schema) is { } name)
        {
            if (!visiting.Add(name))
            {
                // A required member that leads back to a schema being written: the smallest value of its type.
                writer.WriteStartObject();
                writer.WriteEndObject();
                return;
            }

            Write(writer, definitions.GetProperty(name), definitions, member, visiting);
            visiting.Remove(name);
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            writer.WriteStringValue(Placeholder(member, null));
            return;
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            var value = values.EnumerateArray().FirstOrDefault(v => v.ValueKind != JsonValueKind.Null);
            if (value.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }

            return;
        }

        if (schema.TryGetProperty("anyOf", out var branches))
        {
            var branch = branches.EnumerateArray().FirstOrDefault(b => OperationSchemaReader.Types(b, definitions) is not ["null"]);
            Write(writer, branch.ValueKind == JsonValueKind.Undefined ? branches[0] : branch, definitions, member, visiting);
            return;
        }

        if (schema.TryGetProperty("allOf", out var parts))
        {
            Write(writer, parts[0], definitions, member, visiting);
            return;
        }

        var type = OperationSchemaReader.Types(schema, definitions).FirstOrDefault(t => t != "null") ?? (OperationSchemaReader.Types(schema, definitions).Count > 0 ? "null" : null);
        switch (type)
        {
            case "object":
                writer.WriteStartObject();
                if (schema.TryGetProperty("properties", out var properties) && schema.TryGetProperty("required", out var required))
                {
                    var names = required.EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);
                    foreach (var property in properties.EnumerateObject().Where(p => names.Contains(p.Name)))
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value, definitions, property.Name, visiting);
                    }
                }

                writer.WriteEndObject();
                return;
            case "array":
                writer.WriteStartArray();
                var count = schema.TryGetProperty("minItems", out var minItems) ? Math.Max(1, minItems.GetInt32()) : 1;
                for (var i = 0; i < count; i++)
                {
                    if (schema.TryGetProperty("items", out var items))
                    {
                        Write(writer, items, definitions, Singular(member), visiting);
                    }
                    else
                    {
                        writer.WriteStringValue(Placeholder(Singular(member), null));
                    }
                }

                writer.WriteEndArray();
                return;
            case "integer":
                writer.WriteNumberValue(schema.TryGetProperty("minimum", out var minimum) ? (long)Math.Ceiling(minimum.GetDouble()) : 1);
                return;
            case "number":
                writer.WriteNumberValue(schema.TryGetProperty("minimum", out var least) ? least.GetDouble() : 1);
                return;
            case "boolean":
                writer.WriteBooleanValue(false);
                return;
            case "null":
                writer.WriteNullValue();
                return;
            default:
                writer.WriteStringValue(Placeholder(member, schema.TryGetProperty("format", out var format) ? format.GetString() : null));
                return;
        }
    }

    private static string Placeholder(string? member, string? format) => format switch
    {
        "date-time" => "2026-01-01T09:00:00Z",
        "date" => "2026-01-01",
        "time" => "09:00:00",
        "uri" => "https://example.com",
        "email" => "someone@example.com",
        _ => member switch
        {
            "email" => "someone@example.com",
            "phone_number" => "+15005550006",
            null or "" => "<text>",
            _ => "<" + member + ">",
        },
    };

    private static string? Singular(string? member) => member is { Length: > 1 } && member.EndsWith('s') ? member[..^1] : member;
}
