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
    private readonly ConcurrentDictionary<string, Window[]> _buckets = new();
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
            foreach (var window in Windows(bucket, limit))
            {
                using var lease = window.Limiter.AttemptAcquire(1);
                if (lease.IsAcquired)
                {
                    window.Granted();
                    continue;
                }

                var remaining = maxWait - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
                var wait = window.EstimatedWait();
                if (wait > remaining)
                {
                    throw new KlaviyoRateLimitedException(bucket, limit, wait);
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(remaining + TimeSpan.FromMilliseconds(50));
                try
                {
                    using var waited = await window.Limiter.AcquireAsync(1, deadline.Token).ConfigureAwait(false);
                    if (!waited.IsAcquired)
                    {
                        throw new KlaviyoRateLimitedException(bucket, limit, window.EstimatedWait());
                    }

                    window.Granted();
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new KlaviyoRateLimitedException(bucket, limit, window.EstimatedWait());
                }
            }
        }
    }

    /// <summary>
    /// Learns from Klaviyo's <c>RateLimit-Remaining</c> (the steady window's requests left): when Klaviyo counts fewer
    /// left than this limiter does (another client shares the account's quota), the difference is used up here too.
    /// </summary>
    public void Observe(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("RateLimit-Remaining", out var values) ||
            !int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var remaining))
        {
            return;
        }

        var uri = request.RequestUri!;
        var (bucket, limit) = _rules(request.Method.Method, uri.AbsolutePath, uri.Query).FirstOrDefault();
        if (bucket is null)
        {
            return;
        }

        var minute = Windows(bucket, limit).First(w => w.IsMinute);
        var available = (int)(minute.Limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);
        if (remaining < available)
        {
            using var lease = minute.Limiter.AttemptAcquire(available - remaining);
            if (lease.IsAcquired)
            {
                for (var i = 0; i < available - remaining; i++)
                {
                    minute.Granted();
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var window in _buckets.Values.SelectMany(w => w))
        {
            window.Limiter.Dispose();
        }
    }

    // Longest window first, so that a request blocked by the minute or the day does not hold a second's permit.
    private Window[] Windows(string bucket, RateLimit limit) => _buckets.GetOrAdd(bucket, _ =>
    [
        .. limit.PerDay is { } day ? [new Window(day, TimeSpan.FromDays(1), TimeSpan.FromMinutes(10))] : Array.Empty<Window>(),
        new Window(limit.PerMinute, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500)) { IsMinute = true },
        new Window(limit.PerSecond, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10)),
    ]);

    /// <summary>
    /// One limit: the limiter that enforces it, and the times of its last grants, which say exactly when the next
    /// permit frees up (the limiter's own RetryAfter is only one segment long).
    /// </summary>
    private sealed class Window
    {
        private readonly long[] _grants;
        private readonly long _spanMilliseconds;
        private int _next;

        public Window(int permits, TimeSpan window, TimeSpan segment)
        {
            _grants = new long[permits];
            _spanMilliseconds = (long)(window + segment).TotalMilliseconds;
            Limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window + segment,
                SegmentsPerWindow = (int)((window + segment) / segment),
                QueueLimit = 1_000_000,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }

        public SlidingWindowRateLimiter Limiter { get; }

        /// <summary>The steady (per-minute) window, the one Klaviyo's RateLimit headers describe.</summary>
        public bool IsMinute { get; init; }

        public void Granted()
        {
            lock (_grants)
            {
                _grants[_next] = Environment.TickCount64;
                _next = (_next + 1) % _grants.Length;
            }
        }

        /// <summary>When the oldest of the last grants leaves the window, a permit is free again.</summary>
        public TimeSpan EstimatedWait()
        {
            lock (_grants)
            {
                var oldest = _grants[_next];
                return oldest == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, oldest + _spanMilliseconds - Environment.TickCount64));
            }
        }
    }
}
