using System.Net;
using Polly;
using Polly.Timeout;

namespace Klaviyo.Client;

/// <summary>
/// Which outcomes are retried. A 429 is retried on any method (Klaviyo did not process the request), unless its
/// <c>Retry-After</c> is longer than <see cref="KlaviyoClientOptions.MaxRetryAfter"/>. A 5xx, a timeout or a
/// connection failure is ambiguous (the request may have been processed), so it is retried only where a repeat
/// cannot duplicate a write: reads, and writes marked <see cref="KlaviyoRequestOptions.Replayable"/>.
/// </summary>
internal static class KlaviyoRetryRules
{
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, KlaviyoClientOptions options, TimeProvider time)
    {
        if (outcome.Result is { } response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return RetryAfterHeader.Read(response, time) is not { } wait || wait <= options.MaxRetryAfter;
            }

            return (int)response.StatusCode >= 500 && IsReplayable(request);
        }

        return outcome.Exception is HttpRequestException or TimeoutRejectedException && IsReplayable(request);
    }

    /// <summary>What counts as Klaviyo being down for the circuit breaker: a 5xx, a timeout or a connection failure (never a 4xx, a 429 included).</summary>
    public static bool IsOutage(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response ? (int)response.StatusCode >= 500 : outcome.Exception is HttpRequestException or TimeoutRejectedException;

    public static bool IsReplayable(HttpRequestMessage? request)
    {
        if (request is null)
        {
            return false;
        }

        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options)
        {
            return true;
        }

        return request.Options.TryGetValue(KlaviyoRequestOptions.Replayable, out var replayable) && replayable;
    }
}
