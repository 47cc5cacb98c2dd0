using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// Keeps every request within Klaviyo's limits before Klaviyo has to say 429. Each bucket has a sliding window per
/// limit (second, minute, day). A window is one segment longer than Klaviyo's, so that no interval of Klaviyo's
/// length can hold more requests than the limit; with segments of 1% of the window the cost is about 1% of throughput.
/// On top of its own count it follows what Klaviyo says in <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c>
/// (another client may share the account's quota): with nothing left, requests wait until the reset Klaviyo gave.
/// Buckets are kept per account (the <see cref="ApiKeyFingerprint"/> of the request's key). With an
/// <see cref="ISharedRateLimitStore"/> the windows are counted there, so that several processes together stay within
/// one bucket; while the store cannot be reached, each process counts in process again.
/// </summary>
public sealed class KlaviyoRateLimiter : IDisposable
{
    private readonly ConcurrentDictionary<string, Window[]> _buckets = new();
    private readonly ConcurrentDictionary<string, LearnedQuota> _learned = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _sharedQueues = new();
    private readonly Func<string, string, string, IEnumerable<(string Bucket, RateLimit Limit)>> _rules;
    private readonly TimeProvider _time;
    private readonly ISharedRateLimitStore? _shared;

    public KlaviyoRateLimiter(TimeProvider time)
        : this(KlaviyoRateLimits.BucketsFor, time)
    {
    }

    /// <summary>Counting in <paramref name="shared"/> (Redis) while it can be reached, in process otherwise.</summary>
    public KlaviyoRateLimiter(TimeProvider time, ISharedRateLimitStore? shared)
        : this(KlaviyoRateLimits.BucketsFor, time, shared)
    {
    }

    /// <summary>With other rules (tests use small limits).</summary>
    public KlaviyoRateLimiter(Func<string, string, string, IEnumerable<(string Bucket, RateLimit Limit)>> rules, TimeProvider? time = null, ISharedRateLimitStore? shared = null)
    {
        _rules = rules;
        _time = time ?? TimeProvider.System;
        _shared = shared;
    }

    /// <summary>How much longer than Klaviyo's each window is counted: a segment of the in-process sliding window, so that no interval of Klaviyo's length holds more than the limit.</summary>
    public static TimeSpan SafetyMargin(TimeSpan window) =>
        window >= TimeSpan.FromDays(1) ? TimeSpan.FromMinutes(10) : window >= TimeSpan.FromMinutes(1) ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Waits for a permit in every bucket the request draws on, at most <paramref name="maxWait"/> in all; when that is
    /// not enough, throws <see cref="KlaviyoRateLimitedException"/> at once with the time after which to retry.
    /// </summary>
    public async ValueTask AcquireAsync(HttpRequestMessage request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var account = Account(request);
        var started = Environment.TickCount64;
        var first = true;
        foreach (var (bucket, limit) in _rules(request.Method.Method, uri.AbsolutePath, uri.Query))
        {
            if (first && _learned.TryGetValue(Key(account, bucket), out var learned))
            {
                await WaitForKlaviyoAsync(learned, bucket, limit, maxWait, cancellationToken).ConfigureAwait(false);
            }

            first = false;
            if (_shared is not null &&
                await TakeSharedAsync(_shared, account, bucket, limit, maxWait - TimeSpan.FromMilliseconds(Environment.TickCount64 - started), cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            foreach (var window in Windows(Key(account, bucket), limit))
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
    /// Learns from Klaviyo's <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (the steady window's requests left,
    /// and the seconds until it has room again): the next requests beyond what is left wait for that reset, never longer.
    /// A response without both headers (a 429 carries <c>Retry-After</c> instead) teaches nothing.
    /// </summary>
    public void Observe(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (Header(response, "RateLimit-Remaining") is not { } remaining || Header(response, "RateLimit-Reset") is not { } reset)
        {
            return;
        }

        var uri = request.RequestUri!;
        var (bucket, _) = _rules(request.Method.Method, uri.AbsolutePath, uri.Query).FirstOrDefault();
        if (bucket is null)
        {
            return;
        }

        _learned.GetOrAdd(Key(Account(request), bucket), _ => new LearnedQuota(_time)).Learn((int)Math.Min(remaining, int.MaxValue), TimeSpan.FromSeconds(Math.Min(reset, 3600)));
    }

    /// <summary>The account the request draws on (its key's fingerprint); empty for a request the client did not tag.</summary>
    private static string Account(HttpRequestMessage request) =>
        request.Options.TryGetValue(KlaviyoRequestOptions.Account, out var account) ? account : "";

    private static string Key(string account, string bucket) => account + ":" + bucket;

    /// <summary>
    /// A permit from the shared store: true once taken, false when the store cannot be reached (then the in-process
    /// windows count). Requests of this process that must wait queue here, first come first served, and only the
    /// first of them asks the store again, after the wait it was told.
    /// </summary>
    private async ValueTask<bool> TakeSharedAsync(ISharedRateLimitStore store, string account, string bucket, RateLimit limit, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var queue = _sharedQueues.GetOrAdd(Key(account, bucket), _ => new SemaphoreSlim(1, 1));
        var started = _time.GetTimestamp();
        var queued = false;
        try
        {
            // Requests of this process are already waiting: queue behind them. Otherwise ask at once.
            if (queue.CurrentCount == 0)
            {
                queued = await EnterAsync().ConfigureAwait(false);
            }

            while (true)
            {
                var wait = await store.TryTakeAsync(account, bucket, limit, cancellationToken).ConfigureAwait(false);
                if (wait is not { } delay)
                {
                    return false;
                }

                if (delay <= TimeSpan.Zero)
                {
                    return true;
                }

                if (_time.GetElapsedTime(started) + delay > maxWait)
                {
                    throw new KlaviyoRateLimitedException(bucket, limit, delay);
                }

                if (!queued)
                {
                    queued = await EnterAsync().ConfigureAwait(false);
                    continue;
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (queued)
            {
                queue.Release();
            }
        }

        async Task<bool> EnterAsync()
        {
            var left = maxWait - _time.GetElapsedTime(started);
            if (left < TimeSpan.Zero || !await queue.WaitAsync(left, cancellationToken).ConfigureAwait(false))
            {
                // Those ahead in the queue took the whole wait allowed; the window frees up about one window after now.
                throw new KlaviyoRateLimitedException(bucket, limit, TimeSpan.FromSeconds(1));
            }

            return true;
        }
    }

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private async Task WaitForKlaviyoAsync(LearnedQuota learned, string bucket, RateLimit limit, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (learned.TryTake() is var wait && wait > TimeSpan.Zero)
        {
            if (_time.GetElapsedTime(started) + wait > maxWait)
            {
                throw new KlaviyoRateLimitedException(bucket, limit, wait);
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var window in _buckets.Values.SelectMany(w => w))
        {
            window.Limiter.Dispose();
        }

        foreach (var queue in _sharedQueues.Values)
        {
            queue.Dispose();
        }
    }

    // Longest window first, so that a request blocked by the minute or the day does not hold a second's permit.
    private Window[] Windows(string key, RateLimit limit) => _buckets.GetOrAdd(key, _ =>
    [
        .. limit.PerDay is { } day ? [new Window(day, TimeSpan.FromDays(1), SafetyMargin(TimeSpan.FromDays(1)))] : Array.Empty<Window>(),
        new Window(limit.PerMinute, TimeSpan.FromMinutes(1), SafetyMargin(TimeSpan.FromMinutes(1))) { IsMinute = true },
        new Window(limit.PerSecond, TimeSpan.FromSeconds(1), SafetyMargin(TimeSpan.FromSeconds(1))),
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
