using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Tools;

/// <summary>
/// The one way a curated tool calls Klaviyo: it reads one resource, reads a page, or sends a write, and a failure comes
/// back as a <see cref="KlaviyoToolException"/> that explains it in the tool's terms (its <see cref="ToolCallDescriptor"/>:
/// argument pointers, and the catalogue's scopes and rate limits in a 403's or 429's message).
/// <list type="bullet">
/// <item><c>ReadAsync</c> and <c>SendAsync</c>:
/// a catalogue operation with a body the tool built, checked against Klaviyo's spec before it is sent (a mismatch is a
/// bug here: nothing is sent).</item>
/// <item><see cref="SendPreparedAsync"/>: a body already written as UTF-8 JSON (a bulk job measured byte for byte), or none.</item>
/// <item><see cref="RunAsync{T}"/>: a typed client method (<c>KlaviyoClient.GetListsAsync</c>, the bulk event writer's job).</item>
/// </list>
/// Whether a request is repeated after an ambiguous failure is not decided here: the client asks the operation
/// catalogue for every request.
/// </summary>
internal static class KlaviyoCalls
{
    public static ApiOperation Operation(string id) =>
        OperationCatalog.Default.Find(id) ?? throw new InvalidOperationException($"The operation catalogue has no {id}.");

    /// <summary>A typed client call; <paramref name="progress"/> says, in a failure, what had been done before it.</summary>
    public static async Task<T> RunAsync<T>(ToolCallDescriptor call, Func<Task<T>> send, string? progress = null)
    {
        if (Confirmation.ConfirmationScope.Current is { Confirmed: false } &&
            OperationCatalog.Default.Find(call.OperationId) is { Access: OperationAccess.Destructive })
        {
            // A bug, caught before anything is sent: every tool that sends a destructive operation asks first.
            throw new InvalidOperationException(
                $"{call.ToolName} would send {call.OperationId}, which the operation catalogue classes destructive, without asking the person; nothing was sent.");
        }

        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (KlaviyoException failure)
        {
            throw new KlaviyoToolException(call, failure, progress);
        }
    }

    /// <summary>A typed client call with no answer to read.</summary>
    public static Task RunAsync(ToolCallDescriptor call, Func<Task> send, string? progress = null) =>
        RunAsync(call, async () =>
        {
            await send().ConfigureAwait(false);
            return true;
        }, progress);

    /// <summary>
    /// Sends <paramref name="body"/> (or none) to the operation; <paramref name="id"/> fills its one path parameter.
    /// <paramref name="toolName"/> names the tool in errors when it differs from the operation.
    /// </summary>
    public static Task<JsonApiDocument> SendAsync(
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
        JsonElement? element = body is null ? null : JsonSerializer.SerializeToElement(body, ToolJsonContext.Default.JsonObject);
        var violations = operation.ValidateBody(element);
        if (violations.Count > 0)
        {
            throw new ToolFailureException(
                $"The {operationId} request this server built does not match Klaviyo's spec ({string.Join("; ", violations.Select(v => $"{v.Path}: {v.Rule}"))}); {ToolErrorMessages.NothingSent}.");
        }

        var path = operation.BuildPath(PathValues(operation, id));
        var call = new ToolCallDescriptor(toolName ?? operationId, operationId, pointers);
        return RunAsync(call, () => klaviyo.CallOperationAsync(operation, path, operation.BuildQueryString(query, cursor), element, cancellationToken), progress);
    }

    /// <summary>
    /// A read (a GET): one resource when <paramref name="id"/> is given, else a page from <paramref name="cursor"/>;
    /// query parameters by their Klaviyo names, those without a value left out.
    /// </summary>
    public static Task<JsonApiDocument> ReadAsync(
        KlaviyoClient klaviyo, string operationId, CancellationToken cancellationToken, string? id = null, string? cursor = null, string? toolName = null,
        params (string Name, string? Value)[] query)
    {
        var values = query.Where(q => q.Value is not null).ToDictionary(q => q.Name, q => JsonSerializer.SerializeToElement(q.Value!, ToolJsonContext.Default.String));
        return SendAsync(klaviyo, operationId, id, null, new ArgumentPointerMap(), cancellationToken, toolName, values.Count == 0 ? null : values, cursor: cursor);
    }

    /// <summary>
    /// A read whose query the tool built as a <see cref="KlaviyoQuery"/> (filter, fields, sort, cursor) for
    /// <paramref name="call"/>'s operation, which takes no path parameter.
    /// </summary>
    public static Task<JsonApiDocument> ReadAsync(KlaviyoClient klaviyo, ToolCallDescriptor call, KlaviyoQuery query, CancellationToken cancellationToken)
    {
        var operation = Operation(call.OperationId);
        return RunAsync(call, () => klaviyo.CallOperationAsync(operation, operation.BuildPath(null), query.ToString(), (JsonElement?)null, cancellationToken));
    }

    /// <summary>
    /// The operation <paramref name="operationId"/> with a body already written as UTF-8 JSON (null: none), its path
    /// parameters by name, its failures explained as <paramref name="call"/>'s (a job's polls as the tool's own);
    /// <paramref name="maxRateLimitWait"/> lets a bulk job wait longer for its rate limit than a call usually may.
    /// </summary>
    public static Task<JsonApiDocument> SendPreparedAsync(
        KlaviyoClient klaviyo,
        ToolCallDescriptor call,
        string operationId,
        IReadOnlyDictionary<string, string?>? pathValues,
        string queryString,
        byte[]? body,
        CancellationToken cancellationToken,
        TimeSpan? maxRateLimitWait = null,
        string? progress = null)
    {
        var operation = Operation(operationId);
        var path = operation.BuildPath(pathValues);
        return RunAsync(call, () => body is null
            ? klaviyo.CallOperationAsync(operation, path, queryString, (JsonElement?)null, cancellationToken, maxRateLimitWait)
            : klaviyo.CallOperationAsync(operation, path, queryString, body, cancellationToken, maxRateLimitWait), progress);
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

    private static Dictionary<string, string?>? PathValues(ApiOperation operation, string? id)
    {
        if (id is null)
        {
            return null;
        }

        if (operation.PathParameters.Count != 1)
        {
            throw new InvalidOperationException($"{operation.Id} ({operation.Path}) does not take one id.");
        }

        return new Dictionary<string, string?> { [operation.PathParameters[0]] = id };
    }
}
