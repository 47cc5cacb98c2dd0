using System.Net;
using System.Text.Json;

namespace Klaviyo.Client.JsonApi;

/// <summary>
/// A JSON:API response as Klaviyo sent it. Kept as JSON rather than typed, so that new fields Klaviyo adds within a
/// revision pass through untouched; the MCP layer shapes it for agents.
/// </summary>
public sealed class JsonApiDocument(HttpStatusCode status, JsonElement root)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The whole document.</summary>
    public JsonElement Root { get; } = root;

    /// <summary><c>data</c>: one resource object, or an array of them.</summary>
    public JsonElement Data => Root.ValueKind == JsonValueKind.Object && Root.TryGetProperty("data", out var data) ? data : default;

    /// <summary>
    /// <c>data</c> where the operation returns one resource: an object, or <see cref="KlaviyoInvalidResponseException"/>
    /// when Klaviyo (or something between) answered with anything else, so a tool never reads a page as a resource.
    /// </summary>
    public JsonElement Resource => Data.ValueKind == JsonValueKind.Object
        ? Data
        : throw new KlaviyoInvalidResponseException($"Klaviyo answered {(int)Status} with {(Data.ValueKind == JsonValueKind.Undefined ? "no data" : "data that is not one resource (" + Data.ValueKind.ToString().ToLowerInvariant() + ")")} where one resource was expected.");

    /// <summary><c>included</c> resources, if the request asked for any.</summary>
    public IEnumerable<JsonElement> Included =>
        Root.TryGetProperty("included", out var included) && included.ValueKind == JsonValueKind.Array ? included.EnumerateArray() : [];

    /// <summary>The <c>page[cursor]</c> of <c>links.next</c>; null on the last page.</summary>
    public string? NextCursor =>
        Root.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Object &&
        links.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String
            ? KlaviyoQuery.CursorOf(next.GetString()!)
            : null;

    /// <summary>The resources in <c>data</c>, whether it is one object or an array.</summary>
    public IEnumerable<JsonElement> Resources => Data.ValueKind switch
    {
        JsonValueKind.Array => Data.EnumerateArray(),
        JsonValueKind.Object => [Data],
        _ => [],
    };
}
