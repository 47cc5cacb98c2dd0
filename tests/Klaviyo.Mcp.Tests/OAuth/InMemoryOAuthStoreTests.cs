using Klaviyo.Mcp.OAuth;
using Klaviyo.Mcp.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>Registrations in memory: kept as long as in Redis after their last use, and never more than the cap (the longest unused go first).</summary>
public sealed class InMemoryOAuthStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_registration_unused_for_the_client_lifetime_is_forgotten_and_each_use_keeps_it_longer()
    {
        var store = new InMemoryOAuthStore(_time);
        var ct = TestContext.Current.CancellationToken;
        await store.SaveClientAsync(Client("used"), ct);
        await store.SaveClientAsync(Client("unused"), ct);

        _time.Advance(RedisOAuthStore.ClientLifetime - TimeSpan.FromDays(1));
        Assert.NotNull(await store.FindClientAsync("used", ct));

        _time.Advance(TimeSpan.FromDays(2));
        Assert.NotNull(await store.FindClientAsync("used", ct));
        Assert.Null(await store.FindClientAsync("unused", ct));
    }

    [Fact]
    public async Task Beyond_the_cap_the_registrations_unused_the_longest_go_first()
    {
        var store = new InMemoryOAuthStore(_time, maxClients: 3);
        var ct = TestContext.Current.CancellationToken;
        foreach (var name in new[] { "a", "b", "c" })
        {
            await store.SaveClientAsync(Client(name), ct);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.NotNull(await store.FindClientAsync("a", ct)); // "a" is now the most recently used; "b" the least
        _time.Advance(TimeSpan.FromMinutes(1));
        await store.SaveClientAsync(Client("d"), ct);

        Assert.Null(await store.FindClientAsync("b", ct));
        foreach (var name in new[] { "a", "c", "d" })
        {
            Assert.NotNull(await store.FindClientAsync(name, ct));
        }
    }

    private static OAuthClient Client(string id) => new(id, id, ["http://127.0.0.1/callback"]);
}
