using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Klaviyo.Client.RateLimiting;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Klaviyo.Client;

/// <summary>
/// Typed client for Klaviyo's REST API. Every request carries the key, the revision, JSON:API media types and the
/// User-Agent; retries and timeouts come from the resilience pipeline <see cref="KlaviyoServiceCollectionExtensions"/>
/// puts in front of it. Errors surface as <see cref="KlaviyoException"/> subclasses.
/// </summary>
public sealed partial class KlaviyoClient(HttpClient http, IOptions<KlaviyoClientOptions> options, TimeProvider time, KlaviyoRateLimiter limiter, KlaviyoCredentials credentials)
{
    /// <summary>Largest body Klaviyo accepts for an event or a bulk event job (5 MB).</summary>
    public const int MaxEventPayloadBytes = 5 * 1024 * 1024;

    internal const string JsonApiMediaType = "application/vnd.api+json";

    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly KlaviyoClientOptions _options = options.Value;

    /// <summary>Largest body Klaviyo accepts for a profile create, update or import (100 KB).</summary>
    public const int MaxProfilePayloadBytes = 100 * 1024;

    /// <summary>Largest request body Klaviyo accepts on any endpoint (5 MB).</summary>
    public const int MaxPayloadBytes = 5 * 1024 * 1024;

    /// <summary>
    /// GETs a JSON:API document from the catalogue operation <paramref name="operationId"/> (its path, with
    /// <paramref name="id"/> as its one path parameter). Reads are always safe to retry.
    /// </summary>
    internal async Task<JsonApiDocument> GetAsync(string operationId, string? id, KlaviyoQuery? query, CancellationToken cancellationToken)
    {
        var (operation, path) = Route(operationId, id);
        using var response = await SendAsync(operation, path + query, body: null, cancellationToken).ConfigureAwait(false);
        return await ReadDocumentAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a JSON:API body to the catalogue operation <paramref name="operationId"/> (its method and path, with
    /// <paramref name="id"/> as its one path parameter); the answer's document, or an empty one for 202 and 204.
    /// Whether it is repeated after an ambiguous failure is the catalogue's answer for this body
    /// (<see cref="OperationAccessRules.IsSafeToRepeat(ApiOperation, ReadOnlySpan{byte})"/>).
    /// </summary>
    internal async Task<JsonApiDocument> WriteAsync<T>(
        string operationId, string? id, T body, JsonTypeInfo<T> typeInfo, int limitBytes, CancellationToken cancellationToken, TimeSpan? maxRateLimitWait = null, KlaviyoQuery? query = null)
    {
        var (operation, path) = Route(operationId, id);
        var bytes = Serialize(body, typeInfo, operationId, limitBytes);
        using var response = await SendAsync(operation, path + query, bytes, cancellationToken, maxRateLimitWait).ConfigureAwait(false);
        return await ReadDocumentAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A catalogue operation and its relative path, its one path parameter (if it has one) filled with
    /// <paramref name="id"/>, escaped so that it cannot change the path: the curated methods hold no paths of their own.
    /// </summary>
    internal static (ApiOperation Operation, string Path) Route(string operationId, string? id = null)
    {
        var operation = OperationCatalog.Default.Find(operationId) ?? throw new InvalidOperationException($"The operation catalogue has no {operationId}.");
        if (id is not null && operation.PathParameters.Count == 0)
        {
            throw new InvalidOperationException($"{operationId} ({operation.Path}) takes no id.");
        }

        var path = operation.BuildPath(operation.PathParameters.Count == 0 ? null : new Dictionary<string, string?> { [operation.PathParameters[0]] = id });
        return (operation, path);
    }

    /// <summary>Serializes <paramref name="document"/> and refuses a body over <paramref name="limitBytes"/> before anything is sent.</summary>
    internal static byte[] Serialize<T>(T document, JsonTypeInfo<T> typeInfo, string operation, int limitBytes)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(document, typeInfo);
        if (body.Length > limitBytes)
        {
            throw new KlaviyoPayloadTooLargeException(operation, body.Length, limitBytes);
        }

        return body;
    }

    /// <summary>
    /// The one way a request reaches Klaviyo. Whether it may be repeated after an ambiguous failure (a 5xx, a timeout,
    /// a dropped connection) is decided here, from the operation catalogue and the body
    /// (<see cref="OperationAccessRules.IsSafeToRepeat(ApiOperation, ReadOnlySpan{byte})"/>); no caller passes its own
    /// answer. A DELETE of a resource that was repeated after such a failure and then answered 404 was done by the
    /// attempt whose answer was lost: it counts as deleted (204).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(ApiOperation operation, string relativePath, byte[]? body, CancellationToken cancellationToken, TimeSpan? maxRateLimitWait = null, HttpContent? content = null)
    {
        var method = new HttpMethod(operation.Method);
        var replayable = OperationAccessRules.IsSafeToRepeat(operation, body);

        // The request's own key (a person's or a team token's account, when serving over HTTP), else the configured one.
        // A person's OAuth access token (sign in with Klaviyo), when the host set one, goes instead of any key.
        var accessToken = string.IsNullOrWhiteSpace(credentials.AccessToken) ? null : credentials.AccessToken;
        var apiKey = string.IsNullOrWhiteSpace(credentials.ApiKey) ? _options.ApiKey : credentials.ApiKey;
        if (accessToken is null && string.IsNullOrWhiteSpace(apiKey))
        {
            throw new KlaviyoConfigurationException(
                "No Klaviyo API key is configured. Set KLAVIYO_API_KEY (or PRIVATE_API_KEY) to a private API key (pk_...) in the MCP server's environment, then restart the server.");
        }

        var request = Build(accessToken);
        try
        {
            var response = await SendOnceAsync(request, method, relativePath, maxRateLimitWait, cancellationToken).ConfigureAwait(false);

            // A person's token Klaviyo refused before its time (revoked, or rotated elsewhere): refreshed once, and the
            // request sent once more with the new one, as a new request (its own rate-limit permit and retries).
            if (response.StatusCode == HttpStatusCode.Unauthorized && accessToken is not null && credentials.RefreshAccessToken is { } refresh
                && await RefreshOrDisposeAsync(refresh, accessToken, response).ConfigureAwait(false) is { Length: > 0 } fresh)
            {
                response.Dispose();
                request.Content = null; // an upload's form goes again, in the new request
                request.Dispose();
                credentials.AccessToken = fresh;
                request = Build(fresh);
                response = await SendOnceAsync(request, method, relativePath, maxRateLimitWait, cancellationToken).ConfigureAwait(false);
            }

            return await CheckAsync(response, operation, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.Dispose();
        }

        // The refused answer is not left undisposed when the refresh throws (a cancelled call, a renewal that failed).
        async Task<string?> RefreshOrDisposeAsync(Func<string, CancellationToken, Task<string?>> refresh, string refused, HttpResponseMessage answer)
        {
            try
            {
                return await refresh(refused, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                answer.Dispose();
                throw;
            }
        }

        HttpRequestMessage Build(string? bearer)
        {
            var built = new HttpRequestMessage(method, new Uri(BaseAddress(_options.BaseUrl), relativePath));
            built.Headers.TryAddWithoutValidation("Authorization", bearer is not null ? "Bearer " + bearer : "Klaviyo-API-Key " + apiKey);
            built.Options.Set(KlaviyoRequestOptions.Account, credentials.Account ?? ApiKeyFingerprint.Of(bearer ?? apiKey!));
            built.Headers.TryAddWithoutValidation("revision", _options.Revision);
            built.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonApiMediaType));
            built.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
            if (body is not null)
            {
                built.Content = new ByteArrayContent(body);
                built.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonApiMediaType);
            }
            else if (content is not null)
            {
                built.Content = content;
            }

            if (replayable)
            {
                built.Options.Set(KlaviyoRequestOptions.Replayable, true);
            }

            return built;
        }
    }

    /// <summary>One request through the rate limiter and the resilience pipeline, its transport failures mapped to <see cref="KlaviyoTransportException"/>.</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, HttpMethod method, string relativePath, TimeSpan? maxRateLimitWait, CancellationToken cancellationToken)
    {
        await limiter.AcquireAsync(request, maxRateLimitWait ?? _options.MaxRateLimitWait, cancellationToken).ConfigureAwait(false);
        request.Options.Set(KlaviyoRequestOptions.PermitTaken, true);

        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException ex)
        {
            throw new KlaviyoTransportException(
                $"Klaviyo has been failing (5xx answers, timeouts or dropped connections), so calls are paused for a few seconds to let it recover; nothing was sent for {method} /{relativePath.Split('?')[0]}. Retry in {Math.Ceiling((ex.RetryAfter ?? _options.CircuitBreakDuration).TotalSeconds)} s.", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new KlaviyoTransportException($"Klaviyo did not answer {method} /{relativePath} in time (each attempt may take {_options.AttemptTimeout.TotalSeconds:0.#} s, the whole call {_options.TotalTimeout.TotalSeconds:0.#} s).{Unknown(request)}", ex, MaybeProcessed(request));
        }
        catch (OperationCanceledException ex)
        {
            throw new KlaviyoTransportException($"Klaviyo did not answer {method} /{relativePath} in time.{Unknown(request)}", ex, MaybeProcessed(request));
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            throw new KlaviyoTransportException($"Could not reach Klaviyo for {method} /{relativePath}: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new KlaviyoTransportException($"The connection to Klaviyo failed during {method} /{relativePath}: {ex.Message}.{Unknown(request)}", ex, MaybeProcessed(request));
        }
    }

    /// <summary>The answer of a successful request, else its error (a repeated DELETE's 404 counting as done).</summary>
    private async Task<HttpResponseMessage> CheckAsync(HttpResponseMessage response, ApiOperation operation, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var attempts = request.Options.TryGetValue(KlaviyoRequestOptions.Attempts, out var count) ? count : 1;
            if (response.StatusCode == HttpStatusCode.NotFound && IsRepeatedResourceDelete(operation, request, attempts))
            {
                return new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
            }

            throw await ReadErrorAsync(response, attempts, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A DELETE of one resource (no body: not a relationship's) whose earlier attempt failed ambiguously and was
    /// repeated: a 404 now means that attempt deleted it. A 404 on the first attempt, or after only 429s, means it was not there.
    /// </summary>
    private static bool IsRepeatedResourceDelete(ApiOperation operation, HttpRequestMessage request, int attempts) =>
        attempts > 1
        && string.Equals(operation.Method, "DELETE", StringComparison.OrdinalIgnoreCase)
        && operation.Body is null
        && request.Options.TryGetValue(KlaviyoRequestOptions.AmbiguousFailure, out var ambiguous) && ambiguous;

    /// <summary>
    /// For a write that was not retried because repeating it could apply it twice: the agent must know that it may
    /// have been processed. Empty for reads and for writes that are safe to repeat (those were retried).
    /// </summary>
    private static string Unknown(HttpRequestMessage request) =>
        MaybeProcessed(request)
            ? " It is unknown whether Klaviyo processed this request (it was not retried, since repeating it could apply it twice): check its effect before repeating it."
            : "";

    private static bool MaybeProcessed(HttpRequestMessage request) => !KlaviyoRetryRules.IsReplayable(request);

    private static async Task<JsonApiDocument> ReadDocumentAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.NoContent or HttpStatusCode.Created)
            {
                return new JsonApiDocument(response.StatusCode, default);
            }

            throw new KlaviyoInvalidResponseException($"Klaviyo answered {(int)response.StatusCode} to /{path.Split('?')[0]} with an empty body where a JSON:API document was expected.");
        }

        try
        {
            var root = JsonSerializer.Deserialize(bytes, KlaviyoDocumentJsonContext.Default.JsonElement);
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new KlaviyoInvalidResponseException($"Klaviyo answered {(int)response.StatusCode} to /{path.Split('?')[0]} with JSON that is not a JSON:API document.");
            }

            return new JsonApiDocument(response.StatusCode, root);
        }
        catch (JsonException ex)
        {
            throw new KlaviyoInvalidResponseException(
                $"Klaviyo answered {(int)response.StatusCode} to /{path.Split('?')[0]} with a body that is not valid JSON: {PlainText.Excerpt(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 2000)), 200)}", ex);
        }
    }

    private static Uri BaseAddress(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    private async Task<KlaviyoApiException> ReadErrorAsync(HttpResponseMessage response, int attempts, CancellationToken cancellationToken)
    {
        var retryAfter = RetryAfterHeader.Read(response, time);
        var bytes = await ReadPrefixAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
        return new KlaviyoApiException(response.StatusCode, ParseErrors(response.StatusCode, response.ReasonPhrase, bytes), retryAfter, attempts);
    }

    /// <summary>Klaviyo's <c>errors[]</c>, or one error that describes a body that is not a Klaviyo error document (an HTML page from a proxy, say).</summary>
    internal static IReadOnlyList<KlaviyoError> ParseErrors(HttpStatusCode status, string? reasonPhrase, ReadOnlySpan<byte> body)
    {
        try
        {
            if (body.Length > 0 && JsonSerializer.Deserialize(body, KlaviyoDocumentJsonContext.Default.KlaviyoErrorDocument) is { Errors.Count: > 0 } document)
            {
                return document.Errors;
            }
        }
        catch (JsonException)
        {
            // Not JSON: described below from its text.
        }

        var text = PlainText.Excerpt(Encoding.UTF8.GetString(body), 300);
        var title = string.IsNullOrEmpty(reasonPhrase) ? $"HTTP {(int)status}" : reasonPhrase;
        return
        [
            new KlaviyoError
            {
                Status = (int)status,
                Code = "http_" + (int)status,
                Title = title,
                Detail = text.Length == 0 ? $"{title} (empty response body)" : $"{title}; the response was not a Klaviyo error document: {text}",
            },
        ];
    }

    private static async Task<byte[]> ReadPrefixAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[limit];
        var filled = 0;
        int read;
        while (filled < limit && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        return buffer[..filled];
    }
}
