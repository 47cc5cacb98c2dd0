using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// Keeps every request within Klaviyo's limits before Klaviyo has to say 429. Each bucket has a sliding window per
/// limit (second, minute, day). A window is one segment longer than Klaviyo's, so that no interval of Klaviyo's
/// length can hold more requests than the limit; with segments of 1% of the window the cost is about 1% of throughput.
/// </summary>
public sealed class KlaviyoRateLimiter : IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiter[]> _buckets = new();
    private readonly Func<string, string, string, IEnumerable<(string Bucket, RateLimit Limit)>> _rules;

    public KlaviyoRateLimiter()
        : this(KlaviyoRateLimits.BucketsFor)
    {
    }

    /// <summary>With other rules (tests use small limits).</summary>
    public KlaviyoRateLimiter(Func<string, string, string, IEnumerable<(string Bucket, RateLimit Limit)>> rules) => _rules = rules;

    /// <summary>
    /// Waits for a permit in every bucket the request draws on, at most <paramref name="maxWait"/> in all; when that is
    /// not enough, throws <see cref="KlaviyoRateLimitedException"/> at once with the time after which to retry.
    /// </summary>
    public async ValueTask AcquireAsync(HttpRequestMessage request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var started = Environment.TickCount64;
        foreach (var (bucket, limit) in _rules(request.Method.Method, uri.AbsolutePath, uri.Query))
        {
            foreach (var limiter in Limiters(bucket, limit))
            {
                using var lease = limiter.AttemptAcquire(1);
                if (lease.IsAcquired)
                {
                    continue;
                }

                var remaining = maxWait - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.Zero;
                if (retryAfter > remaining || remaining <= TimeSpan.Zero)
                {
                    throw new KlaviyoRateLimitedException(bucket, limit, retryAfter > remaining ? retryAfter : remaining);
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(remaining);
                try
                {
                    using var waited = await limiter.AcquireAsync(1, deadline.Token).ConfigureAwait(false);
                    if (!waited.IsAcquired)
                    {
                        throw new KlaviyoRateLimitedException(bucket, limit, remaining);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new KlaviyoRateLimitedException(bucket, limit, retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1));
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var limiter in _buckets.Values.SelectMany(l => l))
        {
            limiter.Dispose();
        }
    }

    // Longest window first, so that a request blocked by the minute or the day does not hold a second's permit.
    private RateLimiter[] Limiters(string bucket, RateLimit limit) => _buckets.GetOrAdd(bucket, _ =>
    [
        .. limit.PerDay is { } day ? [Window(day, TimeSpan.FromDays(1), TimeSpan.FromMinutes(10))] : Array.Empty<RateLimiter>(),
        Window(limit.PerMinute, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500)),
        Window(limit.PerSecond, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10)),
    ]);

    private static SlidingWindowRateLimiter Window(int permits, TimeSpan window, TimeSpan segment) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = window + segment,
        SegmentsPerWindow = (int)((window + segment) / segment),
        QueueLimit = 1_000_000,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });
}
