namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// Where the authorization server keeps what its flow needs between requests: registered clients, pending
/// authorizations, codes, grants, access and refresh tokens. In this process (<see cref="InMemoryOAuthStore"/>), or in
/// Redis with <c>KLAVIYO_REDIS</c> (<see cref="Redis.RedisOAuthStore"/>) so that any replica serves any step and a
/// revocation holds on every replica at once. Codes, tokens and states are given as their SHA-256 (never in clear);
/// Klaviyo's tokens and the Klaviyo PKCE verifier only sealed. Each thing is kept no longer than it is valid.
/// </summary>
public interface IOAuthStore
{
    ValueTask SaveClientAsync(OAuthClient client, CancellationToken cancellationToken);

    ValueTask<OAuthClient?> FindClientAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Keeps an authorization sent to Klaviyo until <see cref="PendingAuthorization.Expires"/>, under the hash of the server's own state.</summary>
    ValueTask SavePendingAsync(string stateHash, PendingAuthorization pending, CancellationToken cancellationToken);

    /// <summary>The pending authorization of <paramref name="stateHash"/>, removed in the same step: only one taker ever gets it.</summary>
    ValueTask<PendingAuthorization?> TakePendingAsync(string stateHash, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="grant"/> until <paramref name="expires"/> (the life of its refresh tokens).</summary>
    ValueTask SaveGrantAsync(OAuthGrant grant, DateTimeOffset expires, CancellationToken cancellationToken);

    ValueTask<OAuthGrant?> FindGrantAsync(string grantId, CancellationToken cancellationToken);

    /// <summary>Replaces the grant's sealed Klaviyo tokens (after a refresh at Klaviyo).</summary>
    ValueTask SetKlaviyoTokensAsync(string grantId, string sealedKlaviyoTokens, CancellationToken cancellationToken);

    /// <summary>Marks the grant revoked, for good: every code and token of it is refused from then on, everywhere.</summary>
    ValueTask RevokeGrantAsync(string grantId, CancellationToken cancellationToken);

    ValueTask SaveCodeAsync(string codeHash, IssuedCode code, CancellationToken cancellationToken);

    /// <summary>The code of <paramref name="codeHash"/>, removed in the same step: a code is redeemed once, even by racing requests.</summary>
    ValueTask<IssuedCode?> TakeCodeAsync(string codeHash, CancellationToken cancellationToken);

    ValueTask SaveAccessTokenAsync(string tokenHash, IssuedToken token, CancellationToken cancellationToken);

    ValueTask<IssuedToken?> FindAccessTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Keeps a refresh token (and its grant) until <see cref="IssuedToken.Expires"/>.</summary>
    ValueTask SaveRefreshTokenAsync(string tokenHash, IssuedToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Uses a refresh token: its grant, and whether this call is its first use (true) or it was used already (false,
    /// kept so that a reuse is recognized); null when it is unknown or expired. Atomic: of racing uses, one is first.
    /// </summary>
    ValueTask<(IssuedToken Token, bool First)?> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>The grant id of a refresh token, used or not (for revocation); null when unknown.</summary>
    ValueTask<IssuedToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lock <paramref name="name"/> for <paramref name="owner"/> if no one holds it, for at most
    /// <paramref name="lifetime"/>: so that one replica at a time refreshes a grant at Klaviyo.
    /// </summary>
    ValueTask<bool> TryLockAsync(string name, string owner, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Releases the lock <paramref name="name"/> if <paramref name="owner"/> still holds it.</summary>
    ValueTask UnlockAsync(string name, string owner, CancellationToken cancellationToken);
}
