using System.Diagnostics;
using System.Globalization;
using Klaviyo.Client.RateLimiting;
using Klaviyo.Mcp.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// What taking a rate-limit permit costs a request: 10,000 permits one after another from a bucket with room to spare
/// (so nothing waits), counted in process and then in Redis. The difference is the shared limiter's added latency.
/// </summary>
internal static class LimiterBenchmark
{
    public static async Task<int> RunAsync(string redis)
    {
        var bucket = "bench " + Guid.NewGuid().ToString("N");
        var limit = new RateLimit(1_000_000, 60_000_000);
        using var inProcess = new KlaviyoRateLimiter((_, _, _) => [(bucket, limit)], TimeProvider.System);
        await using var store = new RedisRateLimitStore(redis, NullLogger<RedisRateLimitStore>.Instance);
        using var shared = new KlaviyoRateLimiter((_, _, _) => [(bucket, limit)], TimeProvider.System, store);

        foreach (var (name, limiter) in new[] { ("in_process", inProcess), ("redis", shared) })
        {
            var latencies = new double[10_000];
            for (var i = -1_000; i < latencies.Length; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "https://a.klaviyo.com/api/events");
                var started = Stopwatch.GetTimestamp();
                await limiter.AcquireAsync(request, TimeSpan.FromSeconds(10), CancellationToken.None);
                if (i >= 0)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                }
            }

            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"limiter\":\"{name}\",\"permits\":{latencies.Length},\"p50_us\":{latencies[latencies.Length / 2]:0},\"p99_us\":{latencies[(int)(latencies.Length * 0.99)]:0}}}"));
        }

        return 0;
    }
}
