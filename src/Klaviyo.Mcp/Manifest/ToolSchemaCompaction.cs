using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Klaviyo.Mcp.Manifest;

/// <summary>
/// The one rule that keeps the tools' JSON schemas small, applied by the SDK to every schema node it generates (arguments, nested
/// records, output schemas), so the manifest files and what the SDK generates from the methods stay the same.
/// An optional argument is plain: <c>"type": "string"</c>, absent from <c>required</c>, with no <c>"default": null</c>.
/// Leaving it out and passing null both bind to the parameter's default. Where null means something else (update_profile:
/// "null clears it"), the description says so, ending with <see cref="NullClears"/>, and the schema keeps <c>"null"</c> in its type.
/// </summary>
internal static class ToolSchemaCompaction
{
    /// <summary>How a description ends when a JSON null is a meaningful value of the argument, not the same as leaving it out.</summary>
    public const string NullClears = "null clears it.";

    public static AIJsonSchemaCreateOptions Options { get; } = new() { TransformSchemaNode = (context, node) => Compact(context, node) };

    /// <summary>
    /// bulk_create_events' items are create_event's arguments, whose whole schema the agent already has in create_event:
    /// repeating it there cost 2.5 KB of every context window. The item is validated with create_event's rules all the same.
    /// </summary>
    private static JsonNode Compact(AIJsonSchemaCreateContext context, JsonNode node) =>
        context.TypeInfo?.Type == typeof(Tools.Events.CreateEventArguments) && context.Path.Length > 0
            ? new JsonObject { ["type"] = "object" }
            : Compact(node);

    private static JsonNode Compact(JsonNode node)
    {
        if (node is not JsonObject schema)
        {
            return node;
        }

        if (schema.TryGetPropertyValue("default", out var defaultValue) && defaultValue is null)
        {
            schema.Remove("default");
        }

        if (schema["type"] is JsonArray types && !NullIsMeaningful(schema))
        {
            var kept = types.Select(t => (string?)t).Where(t => t is not null and not "null").Select(t => t!).ToList();
            if (kept.Count > 0 && kept.Count < types.Count)
            {
                schema["type"] = kept.Count == 1 ? kept[0] : new JsonArray([.. kept.Select(t => (JsonNode)t)]);
            }
        }

        return schema;
    }

    private static bool NullIsMeaningful(JsonObject schema) =>
        (string?)schema["description"] is { } description && description.EndsWith(NullClears, StringComparison.Ordinal);
}
