namespace Klaviyo.Client.RateLimiting;

/// <summary>The limit of one operation (method and spec path template), counted in its own bucket.</summary>
public sealed record RateLimitRule(string Method, string PathTemplate, RateLimit Limit)
{
    public string Bucket => $"{Method} {PathTemplate}";
}
