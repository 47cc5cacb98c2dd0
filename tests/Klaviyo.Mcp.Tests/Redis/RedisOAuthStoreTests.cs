using Klaviyo.Mcp.OAuth;
using Klaviyo.Mcp.Redis;
using Klaviyo.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Klaviyo.Mcp.Tests;

/// <summary><see cref="OAuthGrantsContract"/> over Redis: each <see cref="Store"/> is another replica of one shared store.</summary>
[Trait("Category", "Redis")]
public sealed class RedisOAuthStoreTests : OAuthGrantsContract, IAsyncDisposable
{
    private readonly RedisRateLimitStore _redis = new(RedisServer.Shared.Endpoint, NullLogger<RedisRateLimitStore>.Instance);

    protected override IOAuthStore Store() => new RedisOAuthStore(_redis, Time);

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task A_revocation_on_one_replica_holds_on_another_at_once_and_a_registration_is_found_everywhere()
    {
        var one = Grants();
        var two = Grants();
        var tokens = await one.RedeemAsync(await Code(one, GrantId("g1")), "client-1", Redirect, Verifier, Resource, Cancel);
        Assert.NotNull(await two.AuthenticateAsync(tokens.AccessToken!, Cancel));

        await one.RevokeTokenAsync(tokens.RefreshToken!, Cancel);

        Assert.Null(await two.AuthenticateAsync(tokens.AccessToken!, Cancel));
        var client = new OAuthClient("mcp_" + Guid.NewGuid().ToString("N"), "Claude", ["https://claude.ai/api/mcp/auth_callback"]);
        await Store().SaveClientAsync(client, Cancel);
        var found = await Store().FindClientAsync(client.ClientId, Cancel);
        Assert.Equal(client.RedirectUris, found!.RedirectUris);
        Assert.Equal("Claude", found.ClientName);
    }

    [Fact]
    public async Task A_pending_authorization_is_taken_once_and_a_lock_has_one_holder()
    {
        var state = OAuthGrants.Hash(OAuthGrants.NewSecret());
        await Store().SavePendingAsync(state, new PendingAuthorization("c", "http://127.0.0.1/cb", "s", "challenge", Resource, "sealed", Time.GetUtcNow().AddMinutes(10)), Cancel);

        var takes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Store().TakePendingAsync(state, Cancel).AsTask()));

        Assert.Single(takes, t => t is not null);
        var name = "test:" + Guid.NewGuid().ToString("N");
        Assert.True(await Store().TryLockAsync(name, "a", TimeSpan.FromSeconds(10), Cancel));
        Assert.False(await Store().TryLockAsync(name, "b", TimeSpan.FromSeconds(10), Cancel));
        await Store().UnlockAsync(name, "b", Cancel);
        Assert.False(await Store().TryLockAsync(name, "b", TimeSpan.FromSeconds(10), Cancel));
        await Store().UnlockAsync(name, "a", Cancel);
        Assert.True(await Store().TryLockAsync(name, "b", TimeSpan.FromSeconds(10), Cancel));
    }
}
