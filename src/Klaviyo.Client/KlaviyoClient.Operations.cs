using System.Text.Json;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;

namespace Klaviyo.Client;

public sealed partial class KlaviyoClient
{
    /// <summary>
    /// Any operation of the catalogue, with a request the caller has already validated against it: the path with its
    /// parameters escaped (<see cref="ApiOperation.BuildPath"/>), the query string (<see cref="ApiOperation.BuildQueryString"/>)
    /// and the JSON:API body. The same headers, rate-limit buckets, timeouts and error mapping as every other call.
    /// A 5xx, timeout or broken connection is retried only where <see cref="OperationAccessRules.IsSafeToRepeat(ApiOperation, ReadOnlySpan{byte})"/> says a
    /// repeat cannot apply the request twice; a 429 is retried on any operation.
    /// <paramref name="maxRateLimitWait"/>: how long the call may wait for the rate limit (bulk jobs wait up to a minute); default the client's.
    /// </summary>
    public async Task<JsonApiDocument> CallOperationAsync(ApiOperation operation, string path, string queryString, JsonElement? body, CancellationToken cancellationToken, TimeSpan? maxRateLimitWait = null)
    {
        if (operation.Body?.ContentType == RequestContentType.Multipart)
        {
            throw new KlaviyoConfigurationException($"{operation.Id} takes a multipart file upload, which is not sent as a JSON body.");
        }

        byte[]? bytes = null;
        if (body is { } document)
        {
            bytes = Serialize(document, KlaviyoDocumentJsonContext.Wire.JsonElement, operation.Id, MaxPayloadBytes);
        }

        var relative = path.TrimStart('/') + (string.IsNullOrEmpty(queryString) ? "" : queryString.StartsWith('?') ? queryString : "?" + queryString);
        using var response = await SendAsync(operation, relative, bytes, cancellationToken, maxRateLimitWait).ConfigureAwait(false);
        return await ReadDocumentAsync(response, relative, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="operation"/> with a body already written as UTF-8 JSON (a bulk job measured byte for byte
    /// against Klaviyo's payload limit is sent exactly as measured).
    /// </summary>
    public async Task<JsonApiDocument> CallOperationAsync(ApiOperation operation, string path, string queryString, byte[] body, CancellationToken cancellationToken, TimeSpan? maxRateLimitWait = null)
    {
        if (body.Length > MaxPayloadBytes)
        {
            throw new KlaviyoPayloadTooLargeException(operation.Id, body.Length, MaxPayloadBytes);
        }

        var relative = path.TrimStart('/') + (string.IsNullOrEmpty(queryString) ? "" : queryString.StartsWith('?') ? queryString : "?" + queryString);
        using var response = await SendAsync(operation, relative, body, cancellationToken, maxRateLimitWait).ConfigureAwait(false);
        return await ReadDocumentAsync(response, relative, cancellationToken).ConfigureAwait(false);
    }
}
