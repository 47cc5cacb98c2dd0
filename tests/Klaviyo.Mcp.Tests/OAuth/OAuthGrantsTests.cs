using Klaviyo.Mcp.OAuth;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>The server's own codes and tokens: single-use codes, PKCE, redirect URI, client and resource checks, exact expiry, rotation, reuse, revocation.</summary>
public sealed class OAuthGrantsTests
{
    private const string Resource = "https://mcp.example.test/mcp";
    private const string Redirect = "http://127.0.0.1:5555/callback";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly string _verifier = Pkce.NewVerifier();

    private OAuthGrants Grants() => new(_time, TimeSpan.FromSeconds(600));

    private string Code(OAuthGrants grants, string grantId = "g1") =>
        grants.IssueCode(new OAuthGrant(grantId, "client-1", Resource, "accounts:read lists:read", "sealed"), Redirect, Pkce.Challenge(_verifier));

    [Fact]
    public void A_code_gives_tokens_once_and_the_access_token_expires_exactly_at_its_lifetime()
    {
        var grants = Grants();
        var code = Code(grants);

        var tokens = grants.Redeem(code, "client-1", Redirect, _verifier, Resource);

        Assert.True(tokens.Succeeded, tokens.ErrorDescription);
        Assert.Equal(600, tokens.ExpiresIn);
        Assert.Equal("accounts:read lists:read", tokens.Scope);
        Assert.Equal("g1", grants.Authenticate(tokens.AccessToken!)?.Id);
        Assert.Equal("invalid_grant", grants.Redeem(code, "client-1", Redirect, _verifier, Resource).Error);

        _time.Advance(TimeSpan.FromSeconds(599));
        Assert.NotNull(grants.Authenticate(tokens.AccessToken!));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(grants.Authenticate(tokens.AccessToken!));
    }

    [Theory]
    [InlineData("client-2", Redirect, true, Resource, "invalid_grant")]
    [InlineData("client-1", "http://127.0.0.1:5556/callback", true, Resource, "invalid_grant")]
    [InlineData("client-1", Redirect, false, Resource, "invalid_grant")]
    [InlineData("client-1", Redirect, true, "https://other.example.test/mcp", "invalid_target")]
    public void A_code_with_another_client_redirect_verifier_or_resource_is_refused_and_consumed(string clientId, string redirect, bool rightVerifier, string resource, string error)
    {
        var grants = Grants();
        var code = Code(grants);

        Assert.Equal(error, grants.Redeem(code, clientId, redirect, rightVerifier ? _verifier : Pkce.NewVerifier(), resource).Error);
        Assert.Equal("invalid_grant", grants.Redeem(code, "client-1", Redirect, _verifier, Resource).Error);
    }

    [Fact]
    public void A_code_expires_after_a_minute()
    {
        var grants = Grants();
        var code = Code(grants);
        _time.Advance(OAuthGrants.CodeLifetime);

        Assert.Equal("invalid_grant", grants.Redeem(code, "client-1", Redirect, _verifier, Resource).Error);
    }

    [Fact]
    public void A_refresh_token_rotates_and_a_used_one_revokes_the_grant()
    {
        var grants = Grants();
        var first = grants.Redeem(Code(grants), "client-1", Redirect, _verifier, Resource);

        var second = grants.Refresh(first.RefreshToken, "client-1", Resource);
        Assert.True(second.Succeeded, second.ErrorDescription);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotNull(grants.Authenticate(second.AccessToken!));
        Assert.Equal("invalid_grant", grants.Refresh(second.RefreshToken, "client-2", Resource).Error);

        // The first refresh token again: someone holds a copy. The whole sign-in ends.
        Assert.Equal("invalid_grant", grants.Refresh(first.RefreshToken, "client-1", Resource).Error);
        Assert.Null(grants.Authenticate(second.AccessToken!));
        Assert.Equal("invalid_grant", grants.Refresh(second.RefreshToken, "client-1", Resource).Error);
    }

    [Fact]
    public void Revoking_either_token_ends_the_sign_in_and_an_unknown_token_changes_nothing()
    {
        var grants = Grants();
        var one = grants.Redeem(Code(grants, "g1"), "client-1", Redirect, _verifier, Resource);
        var two = grants.Redeem(Code(grants, "g2"), "client-1", Redirect, _verifier, Resource);

        Assert.Null(grants.RevokeToken("not-a-token"));
        Assert.Equal("g1", grants.RevokeToken(one.AccessToken!)?.Id);
        Assert.Null(grants.Authenticate(one.AccessToken!));
        Assert.Equal("invalid_grant", grants.Refresh(one.RefreshToken, "client-1", Resource).Error);

        Assert.Equal("g2", grants.RevokeToken(two.RefreshToken!)?.Id);
        Assert.Null(grants.Authenticate(two.AccessToken!));
    }
}
