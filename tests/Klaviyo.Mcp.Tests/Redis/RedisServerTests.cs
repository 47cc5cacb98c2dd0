using Klaviyo.Client.RateLimiting;
using Klaviyo.Mcp.Redis;
using Klaviyo.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// The tests' Redis: on a machine with only the .NET SDK (no <c>KLAVIYO_TEST_REDIS</c>, no redis-server) they run against
/// an embedded Garnet, which must run the rate limiter's script as Redis does and survive the outage tests' stop and start.
/// These run the embedded Garnet even where a redis-server exists (CI), so that both are always tested.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisServerTests
{
    [Fact]
    public void The_tests_use_KLAVIYO_TEST_REDIS_else_an_executable_redis_server_on_PATH_else_an_embedded_Garnet()
    {
        using var withRedis = new TemporaryFolder();
        using var withoutRedis = new TemporaryFolder();
        var binary = withRedis.Write("redis-server", "#!/bin/sh\n");
        withoutRedis.Write("redis-server", "not executable");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(Path.Combine(withoutRedis.Path, "redis-server"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var path = string.Join(Path.PathSeparator, withoutRedis.Path, withRedis.Path);

        Assert.Equal(RedisServerKind.Given, RedisServer.Choose("127.0.0.1:6390", path));
        Assert.Equal(RedisServerKind.RedisServerProcess, RedisServer.Choose(null, path));
        Assert.Equal(RedisServerKind.RedisServerProcess, RedisServer.Choose("", path));
        Assert.Equal(binary, RedisServer.FindRedisServer(path));
        Assert.Equal(RedisServerKind.EmbeddedGarnet, RedisServer.Choose(null, withoutRedis.Path));
        Assert.Equal(RedisServerKind.EmbeddedGarnet, RedisServer.Choose(null, null));
    }

    [Fact]
    public async Task An_embedded_Garnet_runs_the_rate_limit_script_as_Redis_does_and_restarts_empty_on_the_same_port()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = RedisServer.StartPrivate(RedisServerKind.EmbeddedGarnet);
        var limit = new RateLimit(PerSecond: 1, PerMinute: 15, PerDay: 1);
        var day = RedisRateLimitStore.Span(TimeSpan.FromDays(1));

        await using (var store = new RedisRateLimitStore(garnet.Endpoint, NullLogger<RedisRateLimitStore>.Instance))
        {
            Assert.Equal(TimeSpan.Zero, await store.TryTakeAsync("account", "bucket", limit, cancellationToken));

            // The day's one permit is taken: the next waits for the day window, not just the second's spacing.
            var wait = await store.TryTakeAsync("account", "bucket", limit, cancellationToken);
            Assert.InRange(wait!.Value, day - TimeSpan.FromMinutes(1), day);

            await using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.Endpoint);
            var key = RedisRateLimitStore.Key("account", "bucket");
            Assert.Equal(1, await connection.GetDatabase().SortedSetLengthAsync(key));
            Assert.InRange((await connection.GetDatabase().KeyTimeToLiveAsync(key))!.Value, day - TimeSpan.FromMinutes(1), day + TimeSpan.FromSeconds(1));

            garnet.Stop();
            Assert.False(garnet.Answers());
            Assert.Null(await store.TryTakeAsync("account", "bucket", limit, cancellationToken));
        }

        garnet.Start();
        Assert.True(garnet.Answers());
        await using var afterRestart = new RedisRateLimitStore(garnet.Endpoint, NullLogger<RedisRateLimitStore>.Instance);
        Assert.Equal(TimeSpan.Zero, await afterRestart.TryTakeAsync("account", "bucket", limit, cancellationToken));
    }
}
