using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// Flattens JSON:API for agents: a resource becomes <c>{ "id": ..., ...attributes }</c> with nulls and empty objects
/// dropped, and <c>links</c>, <c>relationships</c> and <c>type</c> left out; resources from <c>included</c> are
/// attached to their owner under the relationship's name. The values people outside the account wrote (by resource
/// type: <see cref="Klaviyo.Client.Operations.UntrustedFields"/>) are sanitized and marked (<see cref="UntrustedValues"/>).
/// </summary>
public static class JsonApiShaper
{
    public static JsonObject Flatten(JsonElement resource, IReadOnlyDictionary<(string Type, string Id), JsonElement>? included = null)
    {
        var flat = new JsonObject();
        if (resource.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            flat["id"] = id.GetString();
        }

        if (resource.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in attributes.EnumerateObject())
            {
                if (Compact(attribute.Value) is { } value && attribute.Name != "id")
                {
                    flat[attribute.Name] = value;
                }
            }
        }

        if (included is { Count: > 0 } && resource.TryGetProperty("relationships", out var relationships) && relationships.ValueKind == JsonValueKind.Object)
        {
            foreach (var relationship in relationships.EnumerateObject())
            {
                if (Attach(relationship.Value, included) is { } attached)
                {
                    flat[relationship.Name] = attached;
                }
            }
        }

        UntrustedValues.Classify(flat, resource.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null, attributes);
        return flat;
    }

    /// <summary>The resources of <paramref name="document"/>'s <c>data</c>, flattened, with its <c>included</c> attached.</summary>
    public static IEnumerable<JsonObject> FlattenAll(JsonApiDocument document)
    {
        var included = Index(document);
        return document.Resources.Select(r => Flatten(r, included));
    }

    public static Dictionary<(string Type, string Id), JsonElement> Index(JsonApiDocument document)
    {
        var index = new Dictionary<(string Type, string Id), JsonElement>();
        foreach (var resource in document.Included)
        {
            if (resource.TryGetProperty("type", out var type) && resource.TryGetProperty("id", out var id))
            {
                index[(type.GetString() ?? "", id.GetString() ?? "")] = resource;
            }
        }

        return index;
    }

    /// <summary>A copy of <paramref name="value"/> without nulls and empty objects; null when nothing is left.</summary>
    public static JsonNode? Compact(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var member in value.EnumerateObject())
                {
                    if (Compact(member.Value) is { } compacted)
                    {
                        obj[member.Name] = compacted;
                    }
                }

                return obj.Count == 0 ? null : obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    array.Add(Compact(item));
                }

                return array;
            default:
                return JsonSerializer.SerializeToNode(value, ToolJsonContext.Default.JsonElement);
        }
    }

    private static JsonNode? Attach(JsonElement relationship, IReadOnlyDictionary<(string Type, string Id), JsonElement> included)
    {
        if (!relationship.TryGetProperty("data", out var data))
        {
            return null;
        }

        if (data.ValueKind == JsonValueKind.Array)
        {
            var attached = new JsonArray();
            foreach (var identifier in data.EnumerateArray())
            {
                if (Lookup(identifier, included) is { } resource)
                {
                    attached.Add((JsonNode)Flatten(resource));
                }
            }

            return attached.Count == 0 ? null : attached;
        }

        return data.ValueKind == JsonValueKind.Object && Lookup(data, included) is { } single ? Flatten(single) : null;
    }

    private static JsonElement? Lookup(JsonElement identifier, IReadOnlyDictionary<(string Type, string Id), JsonElement> included) =>
        identifier.TryGetProperty("type", out var type) && identifier.TryGetProperty("id", out var id) &&
        included.TryGetValue((type.GetString() ?? "", id.GetString() ?? ""), out var resource)
            ? resource
            : null;
}
