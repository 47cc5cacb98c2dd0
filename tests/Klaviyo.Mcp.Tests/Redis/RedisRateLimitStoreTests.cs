using Klaviyo.Client;
using Klaviyo.Client.RateLimiting;
using Klaviyo.Mcp.Redis;
using Klaviyo.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Klaviyo.Mcp.Tests;

/// <summary>The Redis window store under <see cref="KlaviyoRateLimiter"/>: two limiters stand for two replicas.</summary>
[Trait("Category", "Redis")]
public sealed class RedisRateLimitStoreTests
{
    [Fact]
    public async Task Two_limiters_sharing_Redis_never_grant_more_than_the_limit_in_any_second_together()
    {
        var bucket = "test bucket " + Guid.NewGuid().ToString("N");
        var limit = new RateLimit(5, 1000);
        await using var storeA = new RedisRateLimitStore(RedisServer.Shared.Endpoint, NullLogger<RedisRateLimitStore>.Instance);
        await using var storeB = new RedisRateLimitStore(RedisServer.Shared.Endpoint, NullLogger<RedisRateLimitStore>.Instance);
        using var replicaA = new KlaviyoRateLimiter((_, _, _) => [(bucket, limit)], TimeProvider.System, storeA);
        using var replicaB = new KlaviyoRateLimiter((_, _, _) => [(bucket, limit)], TimeProvider.System, storeB);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var grants = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://a.klaviyo.com/api/events");
            await (i % 2 == 0 ? replicaA : replicaB).AcquireAsync(request, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            grants.Add(clock.Elapsed);
        }));

        // The grants as Redis recorded them, by its own clock: what the limit is about. (The times the test saw the
        // grants come later, by however long a busy machine took to resume each waiting call.)
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisServer.Shared.Endpoint);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var key = Assert.Single(server.Keys(pattern: RedisRateLimitStore.KeyPrefix + "*:" + bucket));
        var recorded = (await connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(key)).Select(e => e.Score / 1000.0).Order().ToArray();
        Assert.Equal(16, recorded.Length);
        for (var i = 5; i < recorded.Length; i++)
        {
            // The 6th grant after any grant comes at least a second after it.
            Assert.True(recorded[i] - recorded[i - 5] >= 1000, $"grants {i - 5} and {i} were {recorded[i] - recorded[i - 5]} ms apart");
        }

        var times = grants.Order().ToArray();
        // 16 permits at 5 a second take three windows, not much more.
        Assert.InRange(times[^1], TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Keys_name_the_account_by_the_fingerprint_of_its_key_and_the_bucket()
    {
        const string key = "pk_test_fingerprint_0123456789abcdef";
        await using var store = new RedisRateLimitStore(RedisServer.Shared.Endpoint, NullLogger<RedisRateLimitStore>.Instance);

        Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync(ApiKeyFingerprint.Of(key), "GET /api/accounts", new RateLimit(1, 15), TestContext.Current.CancellationToken));
        var wait = await store.TryTakeAsync(ApiKeyFingerprint.Of(key), "GET /api/accounts", new RateLimit(1, 15), TestContext.Current.CancellationToken);

        // Within the window the first request opened (how much of it is left depends on how fast this machine made the second call).
        Assert.InRange(wait!.Value, TimeSpan.FromMilliseconds(1), RedisRateLimitStore.Span(TimeSpan.FromSeconds(1)));
        Assert.Matches("^klaviyo-mcp:[0-9a-f]{16}:GET /api/accounts$", RedisRateLimitStore.Key(ApiKeyFingerprint.Of(key), "GET /api/accounts"));
        Assert.DoesNotContain(key, RedisRateLimitStore.Key(ApiKeyFingerprint.Of(key), "GET /api/accounts"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Redis_answers_null_so_the_limiter_counts_in_process()
    {
        using var redis = RedisServer.StartPrivate();
        redis.Stop();
        await using var store = new RedisRateLimitStore(redis.Endpoint, NullLogger<RedisRateLimitStore>.Instance);
        using var limiter = new KlaviyoRateLimiter((_, _, _) => [("bucket", new RateLimit(2, 100))], TimeProvider.System, store);

        Assert.Null(await store.TryTakeAsync("account", "bucket", new RateLimit(2, 100), TestContext.Current.CancellationToken));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://a.klaviyo.com/api/accounts");
        await limiter.AcquireAsync(request, TimeSpan.Zero, TestContext.Current.CancellationToken);
        await limiter.AcquireAsync(request, TimeSpan.Zero, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<KlaviyoRateLimitedException>(() => limiter.AcquireAsync(request, TimeSpan.Zero, TestContext.Current.CancellationToken).AsTask());
    }
}
