using System.Collections.Concurrent;

namespace Klaviyo.Mcp.Confirmation;

/// <summary>
/// Which confirmations (a token's or a request state's nonce) have been used, so that each confirms one call. Kept in
/// this process; with <c>KLAVIYO_REDIS</c> also in Redis (<see cref="Redis.RedisConfirmationLedger"/>), so that behind
/// any number of replicas a confirmation is used once in all. A nonce is random and holds no secret.
/// </summary>
public class ConfirmationLedger(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="nonce"/> until <paramref name="expires"/>; false when it was already claimed.</summary>
    public virtual ValueTask<bool> TryUseAsync(string nonce, DateTimeOffset expires, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryUseHere(nonce, expires));

    /// <summary>Claims <paramref name="nonce"/> in this process (forgetting the expired ones first).</summary>
    protected bool TryUseHere(string nonce, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        foreach (var (old, until) in _used)
        {
            if (until <= now)
            {
                _used.TryRemove(old, out _);
            }
        }

        return _used.TryAdd(nonce, expires);
    }
}
