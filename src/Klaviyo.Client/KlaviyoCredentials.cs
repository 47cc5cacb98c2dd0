namespace Klaviyo.Client;

/// <summary>
/// The credentials of the call being served, for a host that serves several people or accounts at once: scoped to one
/// request and set before a tool runs. Either a private API key, or a person's OAuth access token (sign in with
/// Klaviyo), sent as <c>Authorization: Bearer</c>. While it holds neither, <see cref="KlaviyoClient"/> uses
/// <see cref="KlaviyoClientOptions.ApiKey"/>, so a host with one configured key never touches it.
/// </summary>
public sealed class KlaviyoCredentials
{
    /// <summary>The private API key (<c>pk_...</c>) for this request only; null means the configured one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A person's Klaviyo OAuth access token for this request only; when set it is used instead of any key.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// What the rate limits of the request's Klaviyo account count by, holding no secret: with <see cref="AccessToken"/>,
    /// the fingerprint of the account's id; with <see cref="ApiKey"/>, the key's <see cref="ApiKeyFingerprint"/> when
    /// the host has it already. Null: the fingerprint of the token or key the request is sent with.
    /// </summary>
    public string? Account { get; set; }

    /// <summary>
    /// With <see cref="AccessToken"/>: how the host renews it when Klaviyo answers 401 to it before its time. Given the
    /// refused token, it returns a new one (and <see cref="KlaviyoClient"/> sends the request once more with it), or
    /// null when there is none (the 401 stands). Null: a 401 stays a 401, as for an API key.
    /// </summary>
    public Func<string, CancellationToken, Task<string?>>? RefreshAccessToken { get; set; }
}
