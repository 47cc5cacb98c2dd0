using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Klaviyo.Mcp.OAuth;
using StackExchange.Redis;

namespace Klaviyo.Mcp.Redis;

/// <summary>
/// The authorization server's store in Redis (<c>KLAVIYO_REDIS</c> with <c>KLAVIYO_HTTP_AUTH=klaviyo</c>), shared by
/// every replica, under <c>klaviyo-mcp:oauth:</c>: <c>client:&lt;id&gt;</c> (a registration, 30 days from its last use),
/// <c>pending:&lt;sha256 of state&gt;</c>, <c>code:&lt;sha256&gt;</c>, <c>access:&lt;sha256&gt;</c>,
/// <c>refresh:&lt;sha256&gt;</c> and <c>refresh-used:&lt;sha256&gt;</c>, each expiring with what it holds, and
/// <c>grant:&lt;id&gt;</c> (a hash: client, resource, scope, account, revoked, and Klaviyo's tokens sealed by
/// <see cref="TokenSealer"/>), expiring with its newest refresh token. No code, token or state is ever a key or a value
/// in clear. Pending authorizations and codes are taken with <c>GETDEL</c> (one taker); a refresh token's first use is
/// claimed with <c>SET NX</c> (one first user); a revocation is one <c>HSET</c> every replica reads on the next call; a
/// grant and its expiry, or a refresh token and its grant's new expiry, are written in one <c>MULTI</c>/<c>EXEC</c>.
/// When Redis cannot be reached, <see cref="OAuthStoreUnavailableException"/> (the request is answered 503).
/// </summary>
public sealed class RedisOAuthStore(RedisRateLimitStore redis, TimeProvider time) : IOAuthStore
{
    public const string KeyPrefix = RedisRateLimitStore.KeyPrefix + "oauth:";

    /// <summary>How long a registration is kept after it was last used to authorize.</summary>
    public static readonly TimeSpan ClientLifetime = TimeSpan.FromDays(30);

    private const string SetIfExistsScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          return 1
        end
        return 0
        """;

    private const string UnlockScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    public async ValueTask SaveClientAsync(OAuthClient client, CancellationToken cancellationToken) =>
        await RunAsync(db => db.StringSetAsync(
            Key("client:", client.ClientId),
            JsonSerializer.Serialize(new ClientMetadataDocument { ClientId = client.ClientId, ClientName = client.ClientName, RedirectUris = [.. client.RedirectUris] }, OAuthJsonContext.Default.ClientMetadataDocument),
            ClientLifetime), cancellationToken);

    public async ValueTask<OAuthClient?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        var value = await RunAsync(db => db.StringGetSetExpiryAsync(Key("client:", clientId), ClientLifetime), cancellationToken).ConfigureAwait(false);
        return value.IsNull || JsonSerializer.Deserialize((string)value!, OAuthJsonContext.Default.ClientMetadataDocument) is not { ClientId: { } id, RedirectUris: { } uris } document
            ? null
            : new OAuthClient(id, document.ClientName, [.. uris]);
    }

    public ValueTask SavePendingAsync(string stateHash, PendingAuthorization pending, CancellationToken cancellationToken) =>
        SaveAsync(Key("pending:", stateHash), pending, OAuthJsonContext.Default.PendingAuthorization, pending.Expires, cancellationToken);

    public ValueTask<PendingAuthorization?> TakePendingAsync(string stateHash, CancellationToken cancellationToken) =>
        TakeAsync(Key("pending:", stateHash), OAuthJsonContext.Default.PendingAuthorization, cancellationToken);

    /// <summary>The fields and the expiry in one <c>MULTI</c>/<c>EXEC</c>: a grant never exists without its expiry.</summary>
    public async ValueTask SaveGrantAsync(OAuthGrant grant, DateTimeOffset expires, CancellationToken cancellationToken) =>
        await RunAsync(
            db =>
            {
                var key = Key("grant:", grant.Id);
                var transaction = db.CreateTransaction();
                _ = transaction.HashSetAsync(key,
                [
                    new("client", grant.ClientId),
                    new("resource", grant.Resource),
                    new("scope", grant.Scope),
                    new("tokens", grant.SealedKlaviyoTokens),
                    new("account", grant.Account ?? ""),
                    new("revoked", grant.Revoked ? 1 : 0),
                ]);
                _ = transaction.KeyExpireAsync(key, Lifetime(expires));
                return transaction.ExecuteAsync();
            },
            cancellationToken);

    public async ValueTask<OAuthGrant?> FindGrantAsync(string grantId, CancellationToken cancellationToken)
    {
        var fields = await RunAsync(db => db.HashGetAllAsync(Key("grant:", grantId)), cancellationToken).ConfigureAwait(false);
        if (fields.Length == 0)
        {
            return null;
        }

        var values = fields.ToDictionary(f => (string)f.Name!, f => (string?)f.Value, StringComparer.Ordinal);
        return new OAuthGrant(grantId, values.GetValueOrDefault("client") ?? "", values.GetValueOrDefault("resource") ?? "", values.GetValueOrDefault("scope") ?? "", values.GetValueOrDefault("tokens") ?? "")
        {
            Account = values.GetValueOrDefault("account") is { Length: > 0 } account ? account : null,
            Revoked = values.GetValueOrDefault("revoked") == "1",
        };
    }

    public async ValueTask SetKlaviyoTokensAsync(string grantId, string sealedKlaviyoTokens, CancellationToken cancellationToken) =>
        await RunAsync(db => db.ScriptEvaluateAsync(SetIfExistsScript, [Key("grant:", grantId)], ["tokens", sealedKlaviyoTokens]), cancellationToken);

    public async ValueTask RevokeGrantAsync(string grantId, CancellationToken cancellationToken) =>
        await RunAsync(db => db.ScriptEvaluateAsync(SetIfExistsScript, [Key("grant:", grantId)], ["revoked", 1]), cancellationToken);

    public ValueTask SaveCodeAsync(string codeHash, IssuedCode code, CancellationToken cancellationToken) =>
        SaveAsync(Key("code:", codeHash), code, OAuthJsonContext.Default.IssuedCode, code.Expires, cancellationToken);

    public ValueTask<IssuedCode?> TakeCodeAsync(string codeHash, CancellationToken cancellationToken) =>
        TakeAsync(Key("code:", codeHash), OAuthJsonContext.Default.IssuedCode, cancellationToken);

    public ValueTask SaveAccessTokenAsync(string tokenHash, IssuedToken token, CancellationToken cancellationToken) =>
        SaveAsync(Key("access:", tokenHash), token, OAuthJsonContext.Default.IssuedToken, token.Expires, cancellationToken);

    public ValueTask<IssuedToken?> FindAccessTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        FindAsync(Key("access:", tokenHash), OAuthJsonContext.Default.IssuedToken, cancellationToken);

    /// <summary>The token and its grant's new expiry (the grant lives as long as its newest refresh token) in one <c>MULTI</c>/<c>EXEC</c>.</summary>
    public async ValueTask SaveRefreshTokenAsync(string tokenHash, IssuedToken token, CancellationToken cancellationToken) =>
        await RunAsync(
            db =>
            {
                var transaction = db.CreateTransaction();
                _ = transaction.StringSetAsync(Key("refresh:", tokenHash), JsonSerializer.Serialize(token, OAuthJsonContext.Default.IssuedToken), Lifetime(token.Expires));
                _ = transaction.KeyExpireAsync(Key("grant:", token.GrantId), Lifetime(token.Expires));
                return transaction.ExecuteAsync();
            },
            cancellationToken);

    public async ValueTask<(IssuedToken Token, bool First)?> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        if (await FindRefreshTokenAsync(tokenHash, cancellationToken).ConfigureAwait(false) is not { } token)
        {
            return null;
        }

        var first = await RunAsync(db => db.StringSetAsync(Key("refresh-used:", tokenHash), 1, Lifetime(token.Expires), When.NotExists), cancellationToken).ConfigureAwait(false);
        return (token, first);
    }

    public async ValueTask<IssuedToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        await FindAsync(Key("refresh:", tokenHash), OAuthJsonContext.Default.IssuedToken, cancellationToken).ConfigureAwait(false) is { } token && time.GetUtcNow() < token.Expires
            ? token
            : null;

    public ValueTask<bool> TryLockAsync(string name, string owner, TimeSpan lifetime, CancellationToken cancellationToken) =>
        RunAsync(db => db.StringSetAsync(Key("lock:", name), owner, lifetime, When.NotExists), cancellationToken);

    public async ValueTask UnlockAsync(string name, string owner, CancellationToken cancellationToken) =>
        await RunAsync(db => db.ScriptEvaluateAsync(UnlockScript, [Key("lock:", name)], [owner]), cancellationToken);

    private static RedisKey Key(string kind, string id) => KeyPrefix + kind + id;

    /// <summary>How long Redis keeps something that is valid until <paramref name="expires"/>: at least a second (Redis refuses a zero expiry).</summary>
    private TimeSpan Lifetime(DateTimeOffset expires)
    {
        var left = expires - time.GetUtcNow();
        return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
    }

    private async ValueTask SaveAsync<T>(RedisKey key, T value, JsonTypeInfo<T> type, DateTimeOffset expires, CancellationToken cancellationToken) =>
        await RunAsync(db => db.StringSetAsync(key, JsonSerializer.Serialize(value, type), Lifetime(expires)), cancellationToken);

    private async ValueTask<T?> TakeAsync<T>(RedisKey key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var value = await RunAsync(db => db.StringGetDeleteAsync(key), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : JsonSerializer.Deserialize((string)value!, type);
    }

    private async ValueTask<T?> FindAsync<T>(RedisKey key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var value = await RunAsync(db => db.StringGetAsync(key), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : JsonSerializer.Deserialize((string)value!, type);
    }

    private async ValueTask<T> RunAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        var database = await redis.DatabaseAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new OAuthStoreUnavailableException("Redis, where sign-ins are kept, is not connected.");
        try
        {
            return await command(database).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw new OAuthStoreUnavailableException($"Redis, where sign-ins are kept, did not answer ({ex.GetType().Name}).", ex);
        }
    }
}
