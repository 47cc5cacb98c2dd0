using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Klaviyo.Client;

/// <summary>
/// Typed client for Klaviyo's REST API. Every request carries the key, the revision, JSON:API media types and the
/// User-Agent; retries and timeouts come from the resilience pipeline <see cref="KlaviyoServiceCollectionExtensions"/>
/// puts in front of it. Errors surface as <see cref="KlaviyoException"/> subclasses.
/// </summary>
public sealed class KlaviyoClient(HttpClient http, IOptions<KlaviyoClientOptions> options, TimeProvider time)
{
    /// <summary>Largest body Klaviyo accepts for an event or a bulk event job (5 MB).</summary>
    public const int MaxEventPayloadBytes = 5 * 1024 * 1024;

    internal const string JsonApiMediaType = "application/vnd.api+json";

    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly KlaviyoClientOptions _options = options.Value;

    /// <summary>
    /// <c>POST /api/events</c>. Klaviyo answers 202 with no body once it has validated the event. A request whose
    /// event carries a <c>unique_id</c> is retried after a 5xx or a timeout, since Klaviyo keeps only the first copy.
    /// </summary>
    public async Task CreateEventAsync(EventResource @event, CancellationToken cancellationToken)
    {
        var body = Serialize(new JsonApiData<EventResource>(@event), KlaviyoJsonContext.Wire.JsonApiDataEventResource, "create_event", MaxEventPayloadBytes);
        using var response = await SendAsync(HttpMethod.Post, "api/events", body, replayable: @event.Attributes.UniqueId is not null, cancellationToken).ConfigureAwait(false);
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

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relativePath, byte[]? body, bool replayable, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.ApiKey))
        {
            throw new KlaviyoConfigurationException(
                "No Klaviyo API key is configured. Set KLAVIYO_API_KEY (or PRIVATE_API_KEY) to a private API key (pk_...) in the MCP server's environment, then restart the server.");
        }

        using var request = new HttpRequestMessage(method, new Uri(BaseAddress(_options.BaseUrl), relativePath));
        request.Headers.TryAddWithoutValidation("Authorization", "Klaviyo-API-Key " + _options.ApiKey);
        request.Headers.TryAddWithoutValidation("revision", _options.Revision);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonApiMediaType));
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonApiMediaType);
        }

        if (replayable)
        {
            request.Options.Set(KlaviyoRequestOptions.Replayable, true);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException ex)
        {
            throw new KlaviyoTransportException($"Klaviyo did not answer {method} /{relativePath} in time (each attempt may take {_options.AttemptTimeout.TotalSeconds:0.#} s, the whole call {_options.TotalTimeout.TotalSeconds:0.#} s).", ex);
        }
        catch (OperationCanceledException ex)
        {
            throw new KlaviyoTransportException($"Klaviyo did not answer {method} /{relativePath} in time.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new KlaviyoTransportException($"Could not reach Klaviyo for {method} /{relativePath}: {ex.Message}", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Uri BaseAddress(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    private async Task<KlaviyoApiException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var retryAfter = RetryAfterHeader.Read(response, time);
        var bytes = await ReadPrefixAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
        return new KlaviyoApiException(response.StatusCode, ParseErrors(response.StatusCode, response.ReasonPhrase, bytes), retryAfter);
    }

    /// <summary>Klaviyo's <c>errors[]</c>, or one error that describes a body that is not a Klaviyo error document (an HTML page from a proxy, say).</summary>
    internal static IReadOnlyList<KlaviyoError> ParseErrors(HttpStatusCode status, string? reasonPhrase, ReadOnlySpan<byte> body)
    {
        try
        {
            if (body.Length > 0 && JsonSerializer.Deserialize(body, KlaviyoJsonContext.Default.KlaviyoErrorDocument) is { Errors.Count: > 0 } document)
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
