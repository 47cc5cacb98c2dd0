using Microsoft.Extensions.Options;

namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// Inside the resilience pipeline: every retry attempt takes a permit too, after its backoff, so retries cannot push
/// the request rate over a limit. The first attempt's permit was taken by <see cref="KlaviyoClient"/> before the
/// pipeline, so that waiting for it does not count against the call's time budget.
/// </summary>
internal sealed class RateLimitHandler(KlaviyoRateLimiter limiter, IOptions<KlaviyoClientOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(KlaviyoRequestOptions.Attempts, (request.Options.TryGetValue(KlaviyoRequestOptions.Attempts, out var attempts) ? attempts : 0) + 1);
        if (request.Options.TryGetValue(KlaviyoRequestOptions.PermitTaken, out var taken) && taken)
        {
            request.Options.Set(KlaviyoRequestOptions.PermitTaken, false);
        }
        else
        {
            await limiter.AcquireAsync(request, options.Value.MaxRateLimitWait, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        limiter.Observe(request, response);
        return response;
    }
}
