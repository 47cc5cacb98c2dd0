using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The server's own authorization codes and tokens (never Klaviyo's) and the grants they stand for, in this process
/// (Redis: a later slice). Codes, access tokens and refresh tokens are random 256-bit values kept only as their
/// SHA-256. Codes are single use (the first attempt consumes one, right or wrong) and live <see cref="CodeLifetime"/>;
/// an access token expires exactly at its lifetime, with no clock-skew allowance; a refresh token is replaced at each
/// use (rotation), and a used one presented again revokes the whole grant (it was stolen, or the client is confused:
/// either way the person signs in again). A revoked grant refuses every code and token it had.
/// </summary>
public sealed class OAuthGrants(TimeProvider time, TimeSpan accessTokenLifetime)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, OAuthGrant> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string GrantId, DateTimeOffset Expires)> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshToken> _refreshTokens = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="grant"/> and returns a code for it, bound to the client, its redirect URI and its PKCE challenge.</summary>
    public string IssueCode(OAuthGrant grant, string redirectUri, string codeChallenge)
    {
        _grants[grant.Id] = grant;
        var code = NewSecret();
        _codes[Hash(code)] = new IssuedCode(grant.Id, grant.ClientId, redirectUri, codeChallenge, time.GetUtcNow() + CodeLifetime);
        return code;
    }

    /// <summary>The token endpoint's <c>authorization_code</c> grant: the code once, its client, redirect URI, PKCE verifier and resource.</summary>
    public OAuthTokenResult Redeem(string? code, string? clientId, string? redirectUri, string? codeVerifier, string? resource)
    {
        if (code is null || !_codes.TryRemove(Hash(code), out var issued))
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

        if (!_grants.TryGetValue(issued.GrantId, out var grant) || grant.Revoked)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The sign-in was revoked.");
        }

        if (resource is not null && resource != grant.Resource)
        {
            return OAuthTokenResult.Fail("invalid_target", "resource is not this server's.");
        }

        return IssueTokens(grant);
    }

    /// <summary>The token endpoint's <c>refresh_token</c> grant, with rotation and reuse detection.</summary>
    public OAuthTokenResult Refresh(string? refreshToken, string? clientId, string? resource)
    {
        if (refreshToken is null || !_refreshTokens.TryGetValue(Hash(refreshToken), out var entry) || !_grants.TryGetValue(entry.GrantId, out var grant))
        {
            return OAuthTokenResult.Fail("invalid_grant", "The refresh token is unknown.");
        }

        if (grant.ClientId != clientId)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The refresh token was issued to another client.");
        }

        lock (entry)
        {
            if (entry.Used)
            {
                Revoke(grant);
                return OAuthTokenResult.Fail("invalid_grant", "The refresh token was used already; the sign-in is revoked: sign in again.");
            }

            entry.Used = true;
        }

        if (grant.Revoked)
        {
            return OAuthTokenResult.Fail("invalid_grant", "The sign-in was revoked.");
        }

        if (resource is not null && resource != grant.Resource)
        {
            return OAuthTokenResult.Fail("invalid_target", "resource is not this server's.");
        }

        return IssueTokens(grant);
    }

    /// <summary>The grant of a valid access token (unexpired, to the second; grant not revoked), or null.</summary>
    public OAuthGrant? Authenticate(string accessToken)
    {
        if (!_accessTokens.TryGetValue(Hash(accessToken), out var entry) || time.GetUtcNow() >= entry.Expires)
        {
            return null;
        }

        return _grants.TryGetValue(entry.GrantId, out var grant) && !grant.Revoked ? grant : null;
    }

    /// <summary>
    /// RFC 7009: revokes the grant of an access or refresh token (the whole sign-in: its other tokens too); an unknown
    /// token changes nothing. Returns the revoked grant, so that the caller revokes Klaviyo's grant too.
    /// </summary>
    public OAuthGrant? RevokeToken(string token)
    {
        var hash = Hash(token);
        var grantId = _accessTokens.TryGetValue(hash, out var access) ? access.GrantId
            : _refreshTokens.TryGetValue(hash, out var refresh) ? refresh.GrantId
            : null;
        if (grantId is null || !_grants.TryGetValue(grantId, out var grant))
        {
            return null;
        }

        Revoke(grant);
        return grant;
    }

    /// <summary>Revokes <paramref name="grant"/>: every code and token of it is refused from now on, on this process.</summary>
    public void Revoke(OAuthGrant grant)
    {
        grant.Revoked = true;
        foreach (var (hash, token) in _accessTokens)
        {
            if (token.GrantId == grant.Id)
            {
                _accessTokens.TryRemove(hash, out _);
            }
        }
    }

    private OAuthTokenResult IssueTokens(OAuthGrant grant)
    {
        var access = NewSecret();
        var refresh = NewSecret();
        _accessTokens[Hash(access)] = (grant.Id, time.GetUtcNow() + accessTokenLifetime);
        _refreshTokens[Hash(refresh)] = new RefreshToken(grant.Id);
        return new OAuthTokenResult(access, refresh, (int)accessTokenLifetime.TotalSeconds, grant.Scope, null, null);
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private sealed record IssuedCode(string GrantId, string ClientId, string RedirectUri, string CodeChallenge, DateTimeOffset Expires);

    private sealed class RefreshToken(string grantId)
    {
        public string GrantId { get; } = grantId;

        public bool Used { get; set; }
    }
}
