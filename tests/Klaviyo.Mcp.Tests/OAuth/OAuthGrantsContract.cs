using Klaviyo.Mcp.OAuth;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// The server's own codes and tokens, alike over either store: single-use codes, PKCE, redirect URI, client and
/// resource checks, exact expiry, rotation, reuse, revocation.
/// </summary>
public abstract class OAuthGrantsContract
{
    protected const string Resource = "https://mcp.example.test/mcp";
    protected const string Redirect = "http://127.0.0.1:5555/callback";

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    protected string Verifier { get; } = Pkce.NewVerifier();

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A store as one replica sees it; two calls give two replicas of one store where the store is shared.</summary>
    protected abstract IOAuthStore Store();

    protected OAuthGrants Grants() => new(Store(), Time, TimeSpan.FromSeconds(600));

    /// <summary>A grant id no other test uses (the Redis store is shared by the tests).</summary>
    protected static string GrantId(string name) => name + "-" + Guid.NewGuid().ToString("N");

    protected Task<string> Code(OAuthGrants grants, string grantId) =>
        grants.IssueCodeAsync(new OAuthGrant(grantId, "client-1", Resource, "accounts:read lists:read", "sealed"), Redirect, Pkce.Challenge(Verifier), Cancel);

    [Fact]
    public async Task A_code_gives_tokens_once_and_the_access_token_expires_exactly_at_its_lifetime()
    {
        var grants = Grants();
        var g1 = GrantId("g1");
        var code = await Code(grants, g1);

        var tokens = await grants.RedeemAsync(code, "client-1", Redirect, Verifier, Resource, Cancel);

        Assert.True(tokens.Succeeded, tokens.ErrorDescription);
        Assert.Equal(600, tokens.ExpiresIn);
        Assert.Equal("accounts:read lists:read", tokens.Scope);
        Assert.Equal(g1, (await grants.AuthenticateAsync(tokens.AccessToken!, Cancel))?.Id);
        Assert.Equal("invalid_grant", (await grants.RedeemAsync(code, "client-1", Redirect, Verifier, Resource, Cancel)).Error);

        Time.Advance(TimeSpan.FromSeconds(599));
        Assert.NotNull(await grants.AuthenticateAsync(tokens.AccessToken!, Cancel));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await grants.AuthenticateAsync(tokens.AccessToken!, Cancel));
    }

    [Theory]
    [InlineData("client-2", Redirect, true, Resource, "invalid_grant")]
    [InlineData("client-1", "http://127.0.0.1:5556/callback", true, Resource, "invalid_grant")]
    [InlineData("client-1", Redirect, false, Resource, "invalid_grant")]
    [InlineData("client-1", Redirect, true, "https://other.example.test/mcp", "invalid_target")]
    public async Task A_code_with_another_client_redirect_verifier_or_resource_is_refused_and_consumed(string clientId, string redirect, bool rightVerifier, string resource, string error)
    {
        var grants = Grants();
        var code = await Code(grants, GrantId("g1"));

        Assert.Equal(error, (await grants.RedeemAsync(code, clientId, redirect, rightVerifier ? Verifier : Pkce.NewVerifier(), resource, Cancel)).Error);
        Assert.Equal("invalid_grant", (await grants.RedeemAsync(code, "client-1", Redirect, Verifier, Resource, Cancel)).Error);
    }

    [Fact]
    public async Task A_code_expires_after_a_minute()
    {
        var grants = Grants();
        var code = await Code(grants, GrantId("g1"));
        Time.Advance(OAuthGrants.CodeLifetime);

        Assert.Equal("invalid_grant", (await grants.RedeemAsync(code, "client-1", Redirect, Verifier, Resource, Cancel)).Error);
    }

    [Fact]
    public async Task A_refresh_token_rotates_and_a_used_one_revokes_the_grant()
    {
        var grants = Grants();
        var first = await grants.RedeemAsync(await Code(grants, GrantId("g1")), "client-1", Redirect, Verifier, Resource, Cancel);

        var second = await grants.RefreshAsync(first.RefreshToken, "client-1", Resource, Cancel);
        Assert.True(second.Succeeded, second.ErrorDescription);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotNull(await grants.AuthenticateAsync(second.AccessToken!, Cancel));
        Assert.Equal("invalid_grant", (await grants.RefreshAsync(second.RefreshToken, "client-2", Resource, Cancel)).Error);

        // The first refresh token again: someone holds a copy. The whole sign-in ends.
        Assert.Equal("invalid_grant", (await grants.RefreshAsync(first.RefreshToken, "client-1", Resource, Cancel)).Error);
        Assert.Null(await grants.AuthenticateAsync(second.AccessToken!, Cancel));
        Assert.Equal("invalid_grant", (await grants.RefreshAsync(second.RefreshToken, "client-1", Resource, Cancel)).Error);
    }

    [Fact]
    public async Task A_refresh_token_expires_after_its_lifetime()
    {
        var grants = Grants();
        var tokens = await grants.RedeemAsync(await Code(grants, GrantId("g1")), "client-1", Redirect, Verifier, Resource, Cancel);
        Time.Advance(OAuthGrants.RefreshTokenLifetime);

        Assert.Equal("invalid_grant", (await grants.RefreshAsync(tokens.RefreshToken, "client-1", Resource, Cancel)).Error);
    }

    [Fact]
    public async Task Revoking_either_token_ends_the_sign_in_and_an_unknown_token_changes_nothing()
    {
        var grants = Grants();
        var g1 = GrantId("g1");
        var g2 = GrantId("g2");
        var one = await grants.RedeemAsync(await Code(grants, g1), "client-1", Redirect, Verifier, Resource, Cancel);
        var two = await grants.RedeemAsync(await Code(grants, g2), "client-1", Redirect, Verifier, Resource, Cancel);

        Assert.Null(await grants.RevokeTokenAsync("not-a-token", Cancel));
        Assert.Equal(g1, (await grants.RevokeTokenAsync(one.AccessToken!, Cancel))?.Id);
        Assert.Null(await grants.AuthenticateAsync(one.AccessToken!, Cancel));
        Assert.Equal("invalid_grant", (await grants.RefreshAsync(one.RefreshToken, "client-1", Resource, Cancel)).Error);

        Assert.Equal(g2, (await grants.RevokeTokenAsync(two.RefreshToken!, Cancel))?.Id);
        Assert.Null(await grants.AuthenticateAsync(two.AccessToken!, Cancel));
    }

    [Fact]
    public async Task Of_racing_redemptions_of_one_code_exactly_one_gets_tokens()
    {
        var issuer = Grants();
        var code = await Code(issuer, GrantId("g1"));
        var replicas = Enumerable.Range(0, 8).Select(_ => Grants()).ToList();

        var results = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.RedeemAsync(code, "client-1", Redirect, Verifier, Resource, Cancel), Cancel)));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("invalid_grant", r.Error));
    }

    [Fact]
    public async Task Of_racing_uses_of_one_refresh_token_one_rotates_and_the_others_revoke_the_sign_in()
    {
        var issuer = Grants();
        var tokens = await issuer.RedeemAsync(await Code(issuer, GrantId("g1")), "client-1", Redirect, Verifier, Resource, Cancel);
        var replicas = Enumerable.Range(0, 6).Select(_ => Grants()).ToList();

        var results = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.RefreshAsync(tokens.RefreshToken, "client-1", Resource, Cancel), Cancel)));

        // One use is first and may rotate; every other is a reuse, which revokes the sign-in, so even the new tokens end.
        Assert.InRange(results.Count(r => r.Succeeded), 0, 1);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("invalid_grant", r.Error));
        Assert.Contains(results, r => r.ErrorDescription?.Contains("used already", StringComparison.Ordinal) == true);
        foreach (var winner in results.Where(r => r.Succeeded))
        {
            Assert.Null(await issuer.AuthenticateAsync(winner.AccessToken!, Cancel));
            Assert.Equal("invalid_grant", (await issuer.RefreshAsync(winner.RefreshToken, "client-1", Resource, Cancel)).Error);
        }
    }
}
