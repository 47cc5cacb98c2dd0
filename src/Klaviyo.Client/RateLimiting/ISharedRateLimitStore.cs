namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// Counts an account's rate-limit windows where every process serving that account sees them (Redis, for replicas
/// behind a load balancer), so that together they stay within one Klaviyo bucket. A take is atomic over all of a
/// bucket's windows: a permit in each, or none.
/// </summary>
public interface ISharedRateLimitStore
{
    /// <summary>
    /// Takes one permit in every window of <paramref name="limit"/> (second, minute and day, each
    /// <see cref="KlaviyoRateLimiter.SafetyMargin"/> longer than Klaviyo's) in <paramref name="account"/>'s
    /// <paramref name="bucket"/> when all of them have room, and returns <see cref="TimeSpan.Zero"/>. Otherwise takes
    /// none and returns how long until they may. Null when the store cannot be reached: the caller then counts in
    /// process.
    /// </summary>
    ValueTask<TimeSpan?> TryTakeAsync(string account, string bucket, RateLimit limit, CancellationToken cancellationToken);
}
