using Klaviyo.Client.Operations;

namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// Klaviyo's rate limits for every operation, taken from the operation catalogue (the spec's <c>x-klaviyo-ratelimit</c>;
/// a test checks each against the spec), plus the extra buckets that some query options draw on
/// (<see cref="ApiOperation.ConditionalRateLimits"/>, from the spec's descriptions).
/// </summary>
public static class KlaviyoRateLimits
{
    /// <summary>The predictive-analytics limit is one budget across endpoints, so its bucket has no endpoint in its name.</summary>
    public const string PredictiveAnalyticsBucket = "predictive_analytics";

    private static readonly Lazy<Dictionary<ApiOperation, RateLimitRule>> s_rules = new(() =>
        OperationCatalog.Default.Operations.Where(o => !o.ClientSide).ToDictionary(o => o, Rule));

    /// <summary>One rule per server-side operation.</summary>
    public static IReadOnlyCollection<RateLimitRule> Operations => s_rules.Value.Values;

    /// <summary>The buckets a request draws on, each with its limit; the endpoint's first. Unknown endpoints draw on none.</summary>
    public static IEnumerable<(string Bucket, RateLimit Limit)> BucketsFor(string method, string path, string query)
    {
        if (OperationCatalog.Default.Match(method, path) is not { } operation || !s_rules.Value.TryGetValue(operation, out var rule))
        {
            yield break;
        }

        yield return (rule.Bucket, rule.Limit);
        if (operation.ConditionalRateLimits.Count == 0)
        {
            yield break;
        }

        var decoded = Uri.UnescapeDataString(query);
        foreach (var conditional in operation.ConditionalRateLimits)
        {
            if (Option(decoded, conditional.Parameter).Contains(conditional.Value))
            {
                yield return (
                    conditional.Value == PredictiveAnalyticsBucket ? PredictiveAnalyticsBucket : $"{rule.Bucket}?{conditional.Parameter}={conditional.Value}",
                    Limit(conditional.Limit));
            }
        }
    }

    /// <summary>
    /// Daily caps stricter than <c>x-klaviyo-ratelimit</c>: the spec's description of upload_image_from_file says 100 uploads a
    /// day where its rate limit says 500/d, and the client keeps to the stricter so that uploads do not fail late in the day.
    /// </summary>
    public static IReadOnlyDictionary<string, int> StricterDailyCaps { get; } = new Dictionary<string, int> { ["upload_image_from_file"] = 100 };

    private static RateLimitRule Rule(ApiOperation operation)
    {
        var limit = Limit(operation.RateLimit);
        return new(operation.Method, operation.Path, StricterDailyCaps.TryGetValue(operation.Id, out var daily) ? limit with { PerDay = daily } : limit);
    }

    private static RateLimit Limit(ApiRateLimit limit) => new(limit.Burst, limit.Steady, limit.Daily);

    private static string[] Option(string query, string name) =>
        [.. query.TrimStart('?').Split('&').Where(p => p.StartsWith(name + "=", StringComparison.Ordinal)).SelectMany(p => p[(name.Length + 1)..].Split(','))];
}
