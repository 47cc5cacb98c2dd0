using System.Security.Cryptography;
using System.Text;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The server's own authorization codes and tokens (never Klaviyo's) and the grants they stand for, kept in an
/// <see cref="IOAuthStore"/> (this process, or Redis shared by every replica). Codes, access tokens and refresh tokens
/// are random 256-bit values kept only as their SHA-256. Codes are single use (the first attempt consumes one, right or
/// wrong) and live <see cref="CodeLifetime"/>; an access token expires exactly at its lifetime, with no clock-skew
/// allowance; a refresh token lives <see cref="RefreshTokenLifetime"/> and is replaced at each use (rotation), and a
/// used one presented again revokes the whole grant (it was stolen, or the client is confused: either way the person
/// signs in again). A revoked grant refuses every code and token it had. A grant is kept as long as its newest refresh token.
/// </summary>
public sealed class OAuthGrants(IOAuthStore store, TimeProvider time, TimeSpan accessTokenLifetime)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);

    /// <summary>How long a refresh token of the server's own may be used: 30 days (each use gives a new one).</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    /// <summary>Keeps <paramref name="grant"/> and returns a code for it, bound to the client, its redirect URI and its PKCE challenge.</summary>
    public async Task<string> IssueCodeAsync(OAuthGrant grant, string redirectUri, string codeChallenge, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await store.SaveGrantAsync(grant, now + RefreshTokenLifetime, cancellationToken).ConfigureAwait(false);
        var code = NewSecret();
        await store.SaveCodeAsync(Hash(code), new IssuedCode(grant.Id, grant.ClientId, redirectUri, codeChallenge, now + CodeLifetime), cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>The token endpoint's <c>authorization_code</c> grant: the code once, its client, redirect URI, PKCE verifier and resource.</summary>
    public async Task<OAuthTokenResult> RedeemAsync(string? code, string? clientId, string? redirectUri, string? codeVerifier, string? resource, CancellationToken cancellationToken)
    {
        if (code is null || await store.TakeCodeAsync(Hash(code), cancellationToken).ConfigureAwait(false) is not { } issued)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The code is unknown or was used already.");
        }

        if (time.GetUtcNow() >= issued.Expires)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The code expired.");
        }

        if (issued.ClientId != clientId)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The code was issued to another client.");
        }

        if (issued.RedirectUri != redirectUri)
        {
            return OAuthTokenResult.Fail("invalid_grant", "redirect_uri is not the one of the authorization request.");
        }

        if (!Pkce.Verify(codeVerifier, issued.CodeChallenge))
        {
            return OAuthTokenResult.Fail("invalid_grant", "code_verifier does not match the code_challenge.");
        }

        if (await store.FindGrantAsync(issued.GrantId, cancellationToken).ConfigureAwait(false) is not { Revoked: false } grant)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The sign-in was revoked.");
        }

        if (resource is not null && resource != grant.Resource)
        {
            return OAuthTokenResult.Fail("invalid_target", "resource is not this server's.");
        }

        return await IssueTokensAsync(grant, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The token endpoint's <c>refresh_token</c> grant, with rotation and reuse detection.</summary>
    public async Task<OAuthTokenResult> RefreshAsync(string? refreshToken, string? clientId, string? resource, CancellationToken cancellationToken)
    {
        if (refreshToken is null
            || await store.FindRefreshTokenAsync(Hash(refreshToken), cancellationToken).ConfigureAwait(false) is not { } known
            || await store.FindGrantAsync(known.GrantId, cancellationToken).ConfigureAwait(false) is not { } grant)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The refresh token is unknown.");
        }

        if (grant.ClientId != clientId)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The refresh token was issued to another client.");
        }

        if (await store.UseRefreshTokenAsync(Hash(refreshToken), cancellationToken).ConfigureAwait(false) is not { } use)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The refresh token is unknown.");
        }

        if (!use.First)
        {
            await RevokeAsync(grant, cancellationToken).ConfigureAwait(false);
            return OAuthTokenResult.Fail("invalid_grant", "The refresh token was used already; the sign-in is revoked: sign in again.");
        }

        if (grant.Revoked)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The sign-in was revoked.");
        }

        if (resource is not null && resource != grant.Resource)
        {
            return OAuthTokenResult.Fail("invalid_target", "resource is not this server's.");
        }

        return await IssueTokensAsync(grant, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The grant of a valid access token (unexpired, to the second; grant not revoked), or null.</summary>
    public async Task<OAuthGrant?> AuthenticateAsync(string accessToken, CancellationToken cancellationToken)
    {
        if (await store.FindAccessTokenAsync(Hash(accessToken), cancellationToken).ConfigureAwait(false) is not { } token || time.GetUtcNow() >= token.Expires)
        {
            return null;
        }

        return await store.FindGrantAsync(token.GrantId, cancellationToken).ConfigureAwait(false) is { Revoked: false } grant ? grant : null;
    }

    /// <summary>The grant <paramref name="grantId"/> as it is now (its Klaviyo tokens perhaps refreshed by another request or replica), or null.</summary>
    public async Task<OAuthGrant?> FindAsync(string grantId, CancellationToken cancellationToken) =>
        await store.FindGrantAsync(grantId, cancellationToken).ConfigureAwait(false);

    /// <summary>Replaces the grant's sealed Klaviyo tokens, after a refresh at Klaviyo.</summary>
    public async Task SetKlaviyoTokensAsync(OAuthGrant grant, string sealedKlaviyoTokens, CancellationToken cancellationToken)
    {
        grant.SealedKlaviyoTokens = sealedKlaviyoTokens;
        await store.SetKlaviyoTokensAsync(grant.Id, sealedKlaviyoTokens, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// RFC 7009: revokes the grant of an access or refresh token (the whole sign-in: its other tokens too); an unknown
    /// token changes nothing. Returns the revoked grant, so that the caller revokes Klaviyo's grant too.
    /// </summary>
    public async Task<OAuthGrant?> RevokeTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var grantId = (await store.FindAccessTokenAsync(hash, cancellationToken).ConfigureAwait(false))?.GrantId
            ?? (await store.FindRefreshTokenAsync(hash, cancellationToken).ConfigureAwait(false))?.GrantId;
        if (grantId is null || await store.FindGrantAsync(grantId, cancellationToken).ConfigureAwait(false) is not { } grant)
        {
            return null;
        }

        await RevokeAsync(grant, cancellationToken).ConfigureAwait(false);
        return grant;
    }

    /// <summary>Revokes <paramref name="grant"/>: every code and token of it is refused from now on, on every replica that shares the store.</summary>
    public async Task RevokeAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        grant.Revoked = true;
        await store.RevokeGrantAsync(grant.Id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OAuthTokenResult> IssueTokensAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        var access = NewSecret();
        var refresh = NewSecret();
        var now = time.GetUtcNow();
        await store.SaveAccessTokenAsync(Hash(access), new IssuedToken(grant.Id, now + accessTokenLifetime), cancellationToken).ConfigureAwait(false);
        await store.SaveRefreshTokenAsync(Hash(refresh), new IssuedToken(grant.Id, now + RefreshTokenLifetime), cancellationToken).ConfigureAwait(false);
        return new OAuthTokenResult(access, refresh, (int)accessTokenLifetime.TotalSeconds, grant.Scope, null, null);
    }

    internal static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>How a code, token or state is kept: its SHA-256, in hex.</summary>
    internal static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
