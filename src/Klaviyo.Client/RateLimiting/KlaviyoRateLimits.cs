using System.Text.RegularExpressions;

namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// The one table of Klaviyo's rate limits: every operation this client calls, with <c>x-klaviyo-ratelimit</c> from the
/// 2026-07-15 spec (a test checks each row against it), plus the extra buckets that some query options also draw on.
/// </summary>
public static partial class KlaviyoRateLimits
{
    private static readonly RateLimit s_xl = new(350, 3500);
    private static readonly RateLimit s_l = new(75, 750);
    private static readonly RateLimit s_m = new(10, 150);
    private static readonly RateLimit s_s = new(3, 60);
    private static readonly RateLimit s_xs = new(1, 15);
    private static readonly RateLimit s_reports = new(1, 2, 225);

    public static IReadOnlyList<RateLimitRule> Operations { get; } =
    [
        new("POST", "/api/events", s_xl),
        new("POST", "/api/event-bulk-create-jobs", s_m),
        new("GET", "/api/events", s_xl),
        new("GET", "/api/events/{id}", s_m),
        new("GET", "/api/profiles", s_l),
        new("GET", "/api/profiles/{id}", s_l),
        new("POST", "/api/profiles", s_l),
        new("PATCH", "/api/profiles/{id}", s_l),
        new("POST", "/api/profile-import", s_l),
        new("POST", "/api/profile-subscription-bulk-create-jobs", s_l),
        new("POST", "/api/profile-subscription-bulk-delete-jobs", s_l),
        new("POST", "/api/profile-suppression-bulk-create-jobs", s_l),
        new("POST", "/api/profile-suppression-bulk-delete-jobs", s_l),
        new("GET", "/api/lists", s_l),
        new("GET", "/api/lists/{id}", s_l),
        new("POST", "/api/lists", new RateLimit(10, 150, 150)),
        new("PATCH", "/api/lists/{id}", s_m),
        new("DELETE", "/api/lists/{id}", s_m),
        new("POST", "/api/lists/{id}/relationships/profiles", s_m),
        new("DELETE", "/api/lists/{id}/relationships/profiles", s_m),
        new("GET", "/api/lists/{id}/profiles", s_l),
        new("GET", "/api/segments", s_l),
        new("GET", "/api/segments/{id}", s_l),
        new("GET", "/api/segments/{id}/profiles", s_l),
        new("GET", "/api/metrics", s_m),
        new("GET", "/api/metrics/{id}", s_m),
        new("POST", "/api/metric-aggregates", s_s),
        new("GET", "/api/campaigns", s_m),
        new("GET", "/api/campaigns/{id}", s_m),
        new("GET", "/api/flows", s_s),
        new("GET", "/api/flows/{id}", s_s),
        new("PATCH", "/api/flows/{id}", s_s),
        new("POST", "/api/campaign-values-reports", s_reports),
        new("POST", "/api/flow-values-reports", s_reports),
        new("POST", "/api/flow-series-reports", s_reports),
        new("GET", "/api/accounts", s_xs),
        new("GET", "/api/accounts/{id}", s_xs),
    ];

    /// <summary>Limits that apply on top of the endpoint's when a query option is used (spec descriptions; they are global across endpoints).</summary>
    public static readonly RateLimit PredictiveAnalytics = new(10, 150);

    /// <summary><c>include=lists</c> or <c>include=segments</c> on a profile, and <c>profile_count</c> on a list or segment.</summary>
    public static readonly RateLimit ExpensiveOption = new(1, 15);

    private static readonly (RateLimitRule Rule, Regex Pattern)[] s_patterns =
        [.. Operations.Select(r => (r, new Regex("^" + Regex.Replace(r.PathTemplate, @"\{[^}]+\}", "[^/]+") + "/?$", RegexOptions.CultureInvariant)))];

    /// <summary>The buckets a request draws on, each with its limit; the endpoint's first. Unknown endpoints draw on none.</summary>
    public static IEnumerable<(string Bucket, RateLimit Limit)> BucketsFor(string method, string path, string query)
    {
        var rule = s_patterns
            .Where(p => p.Rule.Method == method && p.Pattern.IsMatch(path))
            .OrderBy(p => p.Rule.PathTemplate.Count(c => c == '{'))
            .Select(p => p.Rule)
            .FirstOrDefault();
        if (rule is null)
        {
            yield break;
        }

        yield return (rule.Bucket, rule.Limit);

        var decoded = Uri.UnescapeDataString(query);
        if (method == "GET" && Option(decoded, "additional-fields[profile]").Contains("predictive_analytics"))
        {
            yield return ("predictive_analytics", PredictiveAnalytics);
        }

        if (rule.PathTemplate == "/api/profiles/{id}")
        {
            var include = Option(decoded, "include");
            if (include.Contains("lists"))
            {
                yield return ("GET /api/profiles/{id}?include=lists", ExpensiveOption);
            }

            if (include.Contains("segments"))
            {
                yield return ("GET /api/profiles/{id}?include=segments", ExpensiveOption);
            }
        }

        if (rule.PathTemplate is "/api/lists/{id}" or "/api/segments/{id}" && method == "GET" &&
            (Option(decoded, "additional-fields[list]").Contains("profile_count") || Option(decoded, "additional-fields[segment]").Contains("profile_count")))
        {
            yield return (rule.Bucket + "?profile_count", ExpensiveOption);
        }
    }

    private static string[] Option(string query, string name) =>
        [.. query.TrimStart('?').Split('&').Where(p => p.StartsWith(name + "=", StringComparison.Ordinal)).SelectMany(p => p[(name.Length + 1)..].Split(','))];
}
