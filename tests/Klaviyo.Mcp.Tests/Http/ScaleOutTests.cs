using System.Globalization;
using Klaviyo.Client;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.Redis;
using Klaviyo.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using StackExchange.Redis;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// Three <c>serve</c> replicas (separate processes, as compose.yaml runs them) sharing one Redis, with calls spread
/// round-robin as a load balancer would, against a Klaviyo that enforces 350/s and 3,500/min and answers 429 beyond.
/// </summary>
[Trait("Category", "Process")]
[Trait("Category", "Redis")]
[Trait("Category", "Http")]
[Collection(nameof(ScaleOutCollection))]
public sealed class ScaleOutTests : IDisposable
{
    private const string Token = "team-token-for-the-scale-out-test";

    private readonly TemporaryFolder _folder = new();
    private readonly string _key = "pk_test_" + Guid.NewGuid().ToString("N");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Three_replicas_sharing_Redis_send_1000_events_at_full_speed_without_a_429_each_accepted_once()
    {
        using var klaviyo = new RateLimitedKlaviyo(perSecond: 350, perMinute: 3500);
        var redis = RedisServer.Shared;
        var replicas = await StartReplicasAsync(klaviyo, redis);
        try
        {
            var clients = await Task.WhenAll(replicas.Select(r => HttpHarness.Connect(r.McpUrl, Token)));
            // 15 in flight: even if they all wait on one replica, that stays within its 16 per token.
            var results = await CallAsync(clients, "scale", 1000, concurrency: 15);

            Assert.All(results, r => r.AssertSuccess());

            // Redis's own record: no second held more than 350 permits, by its clock.
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
            var bucket = RedisRateLimitStore.Key(ApiKeyFingerprint.Of(_key), "POST /api/events");
            var granted = (await connection.GetDatabase().SortedSetRangeByRankWithScoresAsync(bucket)).Select(e => e.Score).Order().ToArray();
            var busiestSecond = 0;
            for (int last = 0, first = 0; last < granted.Length; last++)
            {
                while (granted[last] - granted[first] >= 1_000_000)
                {
                    first++;
                }

                busiestSecond = Math.Max(busiestSecond, last - first + 1);
            }

            Assert.Equal(1000, granted.Length);
            Assert.InRange(busiestSecond, 1, 350);
            Assert.True(klaviyo.Throttled == 0, $"Klaviyo answered {klaviyo.Throttled} 429s; it saw at most {klaviyo.Peak.Second} in a second, Redis granted at most {busiestSecond}");
            Assert.Equal(1000, klaviyo.Accepted.Count);
            Assert.All(klaviyo.Accepted, a => Assert.Equal(1, a.Value));
            Assert.InRange(klaviyo.Peak.Second, 1, 350);
            Assert.All(klaviyo.Authorizations, a => Assert.Equal("Klaviyo-API-Key " + _key, a));

            // Redis holds the account's fingerprint and the bucket, never the key.
            var keys = connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: RedisRateLimitStore.KeyPrefix + ApiKeyFingerprint.Of(_key) + ":*").Select(k => k.ToString()).ToList();
            Assert.Equal([RedisRateLimitStore.KeyPrefix + ApiKeyFingerprint.Of(_key) + ":POST /api/events"], keys);
            var members = await connection.GetDatabase().SortedSetRangeByRankAsync(bucket);
            Assert.All(members, m => Assert.DoesNotContain(_key, m.ToString(), StringComparison.Ordinal));
            Assert.All(replicas.SelectMany(r => r.Log), line => Assert.DoesNotContain(_key, line, StringComparison.Ordinal));
            Assert.All(replicas.SelectMany(r => r.Log), line => Assert.DoesNotContain(Token, line, StringComparison.Ordinal));
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
        finally
        {
            await Task.WhenAll(replicas.Select(r => r.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task When_Redis_stops_mid_run_calls_keep_succeeding_and_the_replicas_share_limits_again_once_it_is_back()
    {
        using var klaviyo = new RateLimitedKlaviyo(perSecond: 350, perMinute: 3500);
        using var redis = RedisServer.StartPrivate();
        var replicas = await StartReplicasAsync(klaviyo, redis);
        try
        {
            var clients = await Task.WhenAll(replicas.Select(r => HttpHarness.Connect(r.McpUrl, Token)));
            Assert.All(await CallAsync(clients, "before", 150, concurrency: 12), r => r.AssertSuccess());

            redis.Stop();
            Assert.All(await CallAsync(clients, "during", 300, concurrency: 12), r => r.AssertSuccess());
            Assert.All(replicas, r => Assert.Single(r.Log, line => line.Contains("cannot be reached", StringComparison.Ordinal)));

            // Back without a restart of any replica: they reconnect in the background and share the limits again.
            redis.Start();
            for (var round = 0; round < 40 && !replicas.All(r => r.Log.Any(line => line.Contains("reachable again", StringComparison.Ordinal))); round++)
            {
                Assert.All(await CallAsync(clients, "after-" + round, 6, concurrency: 6), r => r.AssertSuccess());
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }

            Assert.All(replicas, r => Assert.Single(r.Log, line => line.Contains("reachable again", StringComparison.Ordinal)));
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
            Assert.True(await connection.GetDatabase().KeyExistsAsync(RedisRateLimitStore.Key(ApiKeyFingerprint.Of(_key), "POST /api/events")));
            Assert.Equal(klaviyo.Accepted.Count, klaviyo.Accepted.Values.Sum());
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
        finally
        {
            await Task.WhenAll(replicas.Select(r => r.DisposeAsync().AsTask()));
        }
    }

    private async Task<ServeProcess[]> StartReplicasAsync(RateLimitedKlaviyo klaviyo, RedisServer redis)
    {
        var tokens = _folder.Write("tokens.json", $$"""
            {
              "accounts": { "team": { "api_key_env": "TEAM_KLAVIYO_KEY" } },
              "tokens": [ { "name": "team", "sha256": "{{HttpHarness.Sha256(Token)}}", "account": "team" } ]
            }
            """);
        var environment = ServerProcess.Environment(klaviyo.Url);
        environment[ServerSettings.ApiKeyVariable] = null;
        environment["TEAM_KLAVIYO_KEY"] = _key;
        environment[HttpServeSettings.TokensFileVariable] = tokens;
        environment[HttpServeSettings.RedisVariable] = redis.Endpoint;
        return await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServeProcess.StartAsync(environment)));
    }

    /// <summary><paramref name="count"/> create_event calls, the i-th on replica i mod 3 (round-robin), <paramref name="concurrency"/> at a time.</summary>
    private static async Task<CallToolResult[]> CallAsync(McpClient[] clients, string run, int count, int concurrency)
    {
        var results = new CallToolResult[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = TestContext.Current.CancellationToken },
            async (i, cancellationToken) => results[i] = await clients[i % clients.Length].CallToolAsync(
                "create_event",
                McpHarness.Arguments($$"""{"metric":{"name":"Placed Order"},"profile":{"email":"p{{i.ToString(CultureInfo.InvariantCulture)}}@klaviyo-demo.com"},"unique_id":"{{run}}-{{i.ToString(CultureInfo.InvariantCulture)}}"}"""),
                cancellationToken: cancellationToken));
        return results;
    }
}
