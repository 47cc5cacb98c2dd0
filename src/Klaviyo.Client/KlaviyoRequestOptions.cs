namespace Klaviyo.Client;

/// <summary>Per-request facts the retry rules read.</summary>
internal static class KlaviyoRequestOptions
{
    /// <summary>Set on a write that Klaviyo deduplicates (an event with a <c>unique_id</c>), so repeating it cannot duplicate anything.</summary>
    public static readonly HttpRequestOptionsKey<bool> Replayable = new("Klaviyo.Replayable");

    /// <summary>How many attempts the request has made (each one passes the rate-limit handler).</summary>
    public static readonly HttpRequestOptionsKey<int> Attempts = new("Klaviyo.Attempts");

    /// <summary>Set when the first attempt's rate-limit permit was taken before the resilience pipeline.</summary>
    public static readonly HttpRequestOptionsKey<bool> PermitTaken = new("Klaviyo.PermitTaken");

    /// <summary>The <see cref="ApiKeyFingerprint"/> of the key the request is sent with: the account whose rate-limit buckets it draws on.</summary>
    public static readonly HttpRequestOptionsKey<string> Account = new("Klaviyo.Account");
}
