namespace Klaviyo.Client.RateLimiting;

/// <summary>A Klaviyo rate limit: burst per second, steady per minute, and for some endpoints a daily cap.</summary>
public sealed record RateLimit(int PerSecond, int PerMinute, int? PerDay = null)
{
    public override string ToString() => PerDay is { } day ? $"{PerSecond}/s, {PerMinute}/min, {day}/day" : $"{PerSecond}/s, {PerMinute}/min";
}
