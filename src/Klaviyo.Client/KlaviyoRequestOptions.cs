namespace Klaviyo.Client;

/// <summary>Per-request facts the retry rules read.</summary>
internal static class KlaviyoRequestOptions
{
    /// <summary>Set on a write the operation catalogue says is safe to repeat (<see cref="Operations.OperationAccessRules.IsSafeToRepeat(Operations.ApiOperation, ReadOnlySpan{byte})"/>).</summary>
    public static readonly HttpRequestOptionsKey<bool> Replayable = new("Klaviyo.Replayable");

    /// <summary>
    /// Set when an attempt failed ambiguously (a 5xx, a timeout, a dropped connection) and was retried: the request may
    /// have been processed by then, which is how a DELETE's 404 on the repeat is read.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> AmbiguousFailure = new("Klaviyo.AmbiguousFailure");

    /// <summary>How many attempts the request has made (each one passes the rate-limit handler).</summary>
    public static readonly HttpRequestOptionsKey<int> Attempts = new("Klaviyo.Attempts");

    /// <summary>Set when the first attempt's rate-limit permit was taken before the resilience pipeline.</summary>
    public static readonly HttpRequestOptionsKey<bool> PermitTaken = new("Klaviyo.PermitTaken");

    /// <summary>The <see cref="ApiKeyFingerprint"/> of the key the request is sent with: the account whose rate-limit buckets it draws on.</summary>
    public static readonly HttpRequestOptionsKey<string> Account = new("Klaviyo.Account");
}
