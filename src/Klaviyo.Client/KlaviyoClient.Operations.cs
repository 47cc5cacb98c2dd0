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
    /// A 5xx, timeout or broken connection is retried only where <see cref="ApiOperation.IsSafeToRepeat"/> says a
    /// repeat cannot apply the request twice; a 429 is retried on any operation.
    /// </summary>
    public async Task<JsonApiDocument> CallOperationAsync(ApiOperation operation, string path, string queryString, JsonElement? body, CancellationToken cancellationToken)
    {
        if (operation.Body?.ContentType == RequestContentType.Multipart)
        {
            throw new KlaviyoConfigurationException($"{operation.Id} takes a multipart file upload, which is not sent as a JSON body.");
        }

        byte[]? bytes = null;
        if (body is { } document)
        {
            bytes = Serialize(document, KlaviyoJsonContext.Wire.JsonElement, operation.Id, MaxPayloadBytes);
        }

        var relative = path.TrimStart('/') + (string.IsNullOrEmpty(queryString) ? "" : queryString.StartsWith('?') ? queryString : "?" + queryString);
        using var response = await SendAsync(new HttpMethod(operation.Method), relative, bytes, operation.IsSafeToRepeat(body), cancellationToken).ConfigureAwait(false);
        return await ReadDocumentAsync(response, relative, cancellationToken).ConfigureAwait(false);
    }
}
