using System.Collections.Concurrent;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The authorization server's store in this process (no <c>KLAVIYO_REDIS</c>): everything is lost at a restart, which
/// signs everyone out. Expired things are refused by their expiry and swept now and then. A registration lives as in
/// Redis (<see cref="Redis.RedisOAuthStore.ClientLifetime"/> after its last use), and at most
/// <paramref name="maxClients"/> are kept: beyond that, the ones unused the longest go first.
/// </summary>
public sealed class InMemoryOAuthStore(TimeProvider time, int maxClients = InMemoryOAuthStore.DefaultMaxClients) : IOAuthStore
{
    /// <summary>How many registrations this process keeps at most.</summary>
    public const int DefaultMaxClients = 10_000;

    private readonly ConcurrentDictionary<string, ClientEntry> _clients = new(StringComparer.Ordinal);
    private readonly Lock _registering = new();
    private readonly ConcurrentDictionary<string, PendingAuthorization> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (OAuthGrant Grant, DateTimeOffset Expires)> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshEntry> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _locks = new(StringComparer.Ordinal);
    private long _writes;

    public ValueTask SaveClientAsync(OAuthClient client, CancellationToken cancellationToken)
    {
        Sweep();
        lock (_registering)
        {
            if (_clients.Count >= maxClients)
            {
                var now = Now;
                Remove(_clients, c => now >= c.LastUsed + Redis.RedisOAuthStore.ClientLifetime);
                foreach (var (clientId, _) in _clients.OrderBy(c => c.Value.LastUsed).Take(_clients.Count - maxClients + 1).ToList())
                {
                    _clients.TryRemove(clientId, out _);
                }
            }

            _clients[client.ClientId] = new ClientEntry(client, Now);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The registration, unless unused for <see cref="Redis.RedisOAuthStore.ClientLifetime"/>; finding it counts as a use.</summary>
    public ValueTask<OAuthClient?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!_clients.TryGetValue(clientId, out var entry))
        {
            return ValueTask.FromResult<OAuthClient?>(null);
        }

        var now = Now;
        if (now >= entry.LastUsed + Redis.RedisOAuthStore.ClientLifetime)
        {
            _clients.TryRemove(new KeyValuePair<string, ClientEntry>(clientId, entry));
            return ValueTask.FromResult<OAuthClient?>(null);
        }

        entry.LastUsed = now;
        return ValueTask.FromResult<OAuthClient?>(entry.Client);
    }

    public ValueTask SavePendingAsync(string stateHash, PendingAuthorization pending, CancellationToken cancellationToken)
    {
        Sweep();
        _pending[stateHash] = pending;
        return ValueTask.CompletedTask;
    }

    public ValueTask<PendingAuthorization?> TakePendingAsync(string stateHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_pending.TryRemove(stateHash, out var pending) && Now < pending.Expires ? pending : null);

    public ValueTask SaveGrantAsync(OAuthGrant grant, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        Sweep();
        _grants.AddOrUpdate(grant.Id, (grant, expires), (_, old) => (old.Grant, old.Expires > expires ? old.Expires : expires));
        return ValueTask.CompletedTask;
    }

    public ValueTask<OAuthGrant?> FindGrantAsync(string grantId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_grants.TryGetValue(grantId, out var entry) && Now < entry.Expires ? entry.Grant : null);

    public ValueTask SetKlaviyoTokensAsync(string grantId, string sealedKlaviyoTokens, CancellationToken cancellationToken)
    {
        if (_grants.TryGetValue(grantId, out var entry))
        {
            entry.Grant.SealedKlaviyoTokens = sealedKlaviyoTokens;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RevokeGrantAsync(string grantId, CancellationToken cancellationToken)
    {
        if (_grants.TryGetValue(grantId, out var entry))
        {
            entry.Grant.Revoked = true;
        }

        foreach (var (hash, token) in _accessTokens)
        {
            if (token.GrantId == grantId)
            {
                _accessTokens.TryRemove(hash, out _);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SaveCodeAsync(string codeHash, IssuedCode code, CancellationToken cancellationToken)
    {
        Sweep();
        _codes[codeHash] = code;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IssuedCode?> TakeCodeAsync(string codeHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_codes.TryRemove(codeHash, out var code) ? code : null);

    public ValueTask SaveAccessTokenAsync(string tokenHash, IssuedToken token, CancellationToken cancellationToken)
    {
        Sweep();
        _accessTokens[tokenHash] = token;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IssuedToken?> FindAccessTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_accessTokens.GetValueOrDefault(tokenHash));

    public ValueTask SaveRefreshTokenAsync(string tokenHash, IssuedToken token, CancellationToken cancellationToken)
    {
        _refreshTokens[tokenHash] = new RefreshEntry(token);
        if (_grants.TryGetValue(token.GrantId, out var entry) && entry.Expires < token.Expires)
        {
            _grants[token.GrantId] = (entry.Grant, token.Expires);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<(IssuedToken Token, bool First)?> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        if (!_refreshTokens.TryGetValue(tokenHash, out var entry) || Now >= entry.Token.Expires)
        {
            return ValueTask.FromResult<(IssuedToken, bool)?>(null);
        }

        var first = Interlocked.Exchange(ref entry.Used, 1) == 0;
        return ValueTask.FromResult<(IssuedToken, bool)?>((entry.Token, first));
    }

    public ValueTask<IssuedToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_refreshTokens.TryGetValue(tokenHash, out var entry) && Now < entry.Token.Expires ? entry.Token : null);

    public ValueTask<bool> TryLockAsync(string name, string owner, TimeSpan lifetime, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_locks.TryAdd(name, owner));

    public ValueTask UnlockAsync(string name, string owner, CancellationToken cancellationToken)
    {
        _locks.TryRemove(new KeyValuePair<string, string>(name, owner));
        return ValueTask.CompletedTask;
    }

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Every 256 writes, forgets what has expired (a used refresh token is kept until its expiry, to recognize its reuse).</summary>
    private void Sweep()
    {
        if ((Interlocked.Increment(ref _writes) & 255) != 0)
        {
            return;
        }

        var now = Now;
        Remove(_pending, p => now >= p.Expires);
        Remove(_codes, c => now >= c.Expires);
        Remove(_accessTokens, t => now >= t.Expires);
        Remove(_refreshTokens, r => now >= r.Token.Expires);
        Remove(_grants, g => now >= g.Expires);
        Remove(_clients, c => now >= c.LastUsed + Redis.RedisOAuthStore.ClientLifetime);
    }

    private static void Remove<T>(ConcurrentDictionary<string, T> entries, Func<T, bool> expired)
    {
        foreach (var (key, value) in entries)
        {
            if (expired(value))
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class ClientEntry(OAuthClient client, DateTimeOffset lastUsed)
    {
        public OAuthClient Client { get; } = client;

        public DateTimeOffset LastUsed { get; set; } = lastUsed;
    }

    private sealed class RefreshEntry(IssuedToken token)
    {
        public IssuedToken Token { get; } = token;

        public int Used;
    }
}
