using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Tools;

/// <summary>
/// A curated tool's call of one catalogue operation: path, scopes and rate limit come from the catalogue, and the body
/// the tool built is checked against Klaviyo's spec before it is sent (a mismatch is a bug here: nothing is sent).
/// </summary>
internal static class CatalogCall
{
    public static ApiOperation Operation(string id) =>
        OperationCatalog.Default.Find(id) ?? throw new InvalidOperationException($"The operation catalogue has no {id}.");

    /// <summary>
    /// Sends <paramref name="body"/> (or none) to the operation; <paramref name="id"/> fills its one path parameter.
    /// <paramref name="toolName"/> names the tool in errors when it differs from the operation.
    /// </summary>
    public static async Task<JsonApiDocument> SendAsync(
        KlaviyoClient klaviyo,
        string operationId,
        string? id,
        JsonObject? body,
        ArgumentPointerMap pointers,
        CancellationToken cancellationToken,
        string? toolName = null,
        IReadOnlyDictionary<string, JsonElement>? query = null,
        string? progress = null,
        string? cursor = null)
    {
        var operation = Operation(operationId);
        JsonElement? element = body is null ? null : JsonSerializer.SerializeToElement(body, KlaviyoMcpJsonContext.Default.JsonObject);
        var violations = operation.ValidateBody(element);
        if (violations.Count > 0)
        {
            throw new ToolFailureException(
                $"The {operationId} request this server built does not match Klaviyo's spec ({string.Join("; ", violations.Select(v => $"{v.Path}: {v.Rule}"))}); {ToolErrorMessages.NothingSent}.");
        }

        if (id is not null && operation.PathParameters.Count != 1)
        {
            throw new InvalidOperationException($"{operationId} ({operation.Path}) does not take one id.");
        }

        var path = operation.BuildPath(id is null ? null : new Dictionary<string, string?> { [operation.PathParameters[0]] = id });
        var call = new KlaviyoOperation(toolName ?? operationId, operationId, pointers);
        return await KlaviyoCall.RunAsync(call, () => klaviyo.CallOperationAsync(operation, path, operation.BuildQueryString(query, cursor), element, cancellationToken), progress).ConfigureAwait(false);
    }

    /// <summary>
    /// A read (a GET): one resource when <paramref name="id"/> is given, else a page from <paramref name="cursor"/>;
    /// query parameters by their Klaviyo names, those without a value left out.
    /// </summary>
    public static Task<JsonApiDocument> ReadAsync(
        KlaviyoClient klaviyo, string operationId, CancellationToken cancellationToken, string? id = null, string? cursor = null, string? toolName = null,
        params (string Name, string? Value)[] query)
    {
        var values = query.Where(q => q.Value is not null).ToDictionary(q => q.Name, q => JsonSerializer.SerializeToElement(q.Value!, KlaviyoMcpJsonContext.Default.String));
        return SendAsync(klaviyo, operationId, id, null, new ArgumentPointerMap(), cancellationToken, toolName, values.Count == 0 ? null : values, cursor: cursor);
    }

    /// <summary><c>{ data: { type, id?, attributes?, relationships? } }</c>.</summary>
    public static JsonObject Document(string type, string? id = null, JsonObject? attributes = null, JsonObject? relationships = null)
    {
        var data = new JsonObject { ["type"] = type };
        if (id is not null)
        {
            data["id"] = id;
        }

        if (attributes is not null)
        {
            data["attributes"] = attributes;
        }

        if (relationships is not null)
        {
            data["relationships"] = relationships;
        }

        return new JsonObject { ["data"] = data };
    }
}
