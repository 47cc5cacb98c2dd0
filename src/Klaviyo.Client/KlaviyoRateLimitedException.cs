using Klaviyo.Client.RateLimiting;

namespace Klaviyo.Client;

/// <summary>Klaviyo's limit for an operation is used up for longer than the call may wait; nothing was sent.</summary>
public sealed class KlaviyoRateLimitedException(string bucket, RateLimit limit, TimeSpan retryAfter)
    : KlaviyoException($"Klaviyo's rate limit for {bucket} ({limit}) is used up; retry after {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))} s.")
{
    public string Bucket { get; } = bucket;

    public TimeSpan RetryAfter { get; } = retryAfter;
}
