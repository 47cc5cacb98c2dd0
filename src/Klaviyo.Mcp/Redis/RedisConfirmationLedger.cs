using Klaviyo.Mcp.Confirmation;

namespace Klaviyo.Mcp.Redis;

/// <summary>
/// The confirmation ledger shared by every replica through Redis: a nonce is claimed with <c>SET … NX PX</c> under
/// <c>klaviyo-mcp:confirmation:&lt;nonce&gt;</c> until its confirmation expires. The process's own claim is made as well, so
/// that while Redis cannot be reached a confirmation still works once on each replica, and never twice on one.
/// </summary>
public sealed class RedisConfirmationLedger(RedisRateLimitStore redis, TimeProvider time) : ConfirmationLedger(time)
{
    public const string KeyPrefix = RedisRateLimitStore.KeyPrefix + "confirmation:";

    private readonly TimeProvider _time = time;

    public override async ValueTask<bool> TryUseAsync(string nonce, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (!TryUseHere(nonce, expires))
        {
            return false;
        }

        var left = expires - _time.GetUtcNow();
        return left <= TimeSpan.Zero ||
            (await redis.TrySetOnceAsync(KeyPrefix + nonce, left, cancellationToken).ConfigureAwait(false) ?? true);
    }
}
