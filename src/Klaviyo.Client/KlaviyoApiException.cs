using System.Net;

namespace Klaviyo.Client;

/// <summary>Klaviyo answered with an error status. <see cref="Errors"/> has at least one member, even for a non-JSON body.</summary>
public sealed class KlaviyoApiException(HttpStatusCode statusCode, IReadOnlyList<KlaviyoError> errors, TimeSpan? retryAfter, int attempts = 1)
    : KlaviyoException(Describe(statusCode, errors, retryAfter))
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public IReadOnlyList<KlaviyoError> Errors { get; } = errors;

    /// <summary>The <c>Retry-After</c> Klaviyo sent (on a 429), if any.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>How many attempts were made; more than one means an earlier attempt's outcome is unknown (its answer was lost).</summary>
    public int Attempts { get; } = attempts;

    private static string Describe(HttpStatusCode status, IReadOnlyList<KlaviyoError> errors, TimeSpan? retryAfter)
    {
        var first = errors.Count > 0 ? errors[0] : null;
        var text = $"Klaviyo answered {(int)status}";
        if (first?.Code is { Length: > 0 } code)
        {
            text += $" {code}";
        }

        if ((first?.Detail ?? first?.Title) is { Length: > 0 } detail)
        {
            text += $": {detail}";
        }

        if (retryAfter is { } wait)
        {
            text += $" (retry after {Math.Ceiling(wait.TotalSeconds)} s)";
        }

        return text;
    }
}
