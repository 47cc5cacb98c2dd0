namespace Klaviyo.Client;

/// <summary>Where and how <see cref="KlaviyoClient"/> talks to Klaviyo.</summary>
public sealed class KlaviyoClientOptions
{
    /// <summary>The revision this client is written against (the spec's <c>info.version</c>).</summary>
    public const string DefaultRevision = "2026-07-15";

    /// <summary>Klaviyo's production host; requests go to <c>{BaseUrl}/api/...</c>.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://a.klaviyo.com");

    /// <summary>Scheme and host (and optional port) of the API; a trailing path is ignored.</summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>The private API key (<c>pk_...</c>). Null or empty: every request fails with <see cref="KlaviyoConfigurationException"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The <c>revision</c> header sent with every request.</summary>
    public string Revision { get; set; } = DefaultRevision;

    /// <summary>The <c>User-Agent</c> header; the host names itself and its version here.</summary>
    public string UserAgent { get; set; } = "Klaviyo.Client/" + typeof(KlaviyoClient).Assembly.GetName().Version?.ToString(3);

    /// <summary>Retries after the first attempt (429 on any request; 5xx, timeouts and network errors only on replayable ones).</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <c>Retry-After</c> that is waited out; a longer one ends the call with the 429.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a request waits for a permit from the client-side rate limiter before failing with <see cref="KlaviyoRateLimitedException"/>.</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Calls (not attempts) ended in 30 s before the circuit breaker may open: it opens when at least half of them
    /// failed after their retries with a 5xx, a timeout or a broken connection. Calls that a retry rescued count as successes.
    /// </summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 5;

    /// <summary>How long calls fail fast once the circuit breaker opened, before one probe is let through.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time allowed to one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time allowed to one call, every attempt and delay included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Checks the values that would otherwise fail later and less clearly; returns the problems found.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"base URL '{BaseUrl}' must be an absolute http or https URL");
        }

        if (!KlaviyoRevision.IsValid(Revision))
        {
            problems.Add($"revision '{Revision}' is not of the form YYYY-MM-DD or YYYY-MM-DD.suffix");
        }

        if (MaxRetryAttempts < 0 || MaxRetryAttempts > 10)
        {
            problems.Add($"max retry attempts {MaxRetryAttempts} must be between 0 and 10");
        }

        foreach (var (name, value) in new[] { ("retry base delay", RetryBaseDelay), ("max Retry-After", MaxRetryAfter), ("attempt timeout", AttemptTimeout), ("total timeout", TotalTimeout) })
        {
            if (value < TimeSpan.Zero)
            {
                problems.Add($"{name} must not be negative");
            }
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero)
        {
            problems.Add("timeouts must be positive");
        }

        return problems;
    }
}
