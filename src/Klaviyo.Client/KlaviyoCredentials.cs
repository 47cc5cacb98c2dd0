namespace Klaviyo.Client;

/// <summary>
/// The API key of the call being served, for a host that serves several people or accounts at once: it is scoped to one
/// request and set before a tool runs. While it holds no key, <see cref="KlaviyoClient"/> uses
/// <see cref="KlaviyoClientOptions.ApiKey"/>, so a host with one configured key never touches it.
/// </summary>
public sealed class KlaviyoCredentials
{
    /// <summary>The private API key (<c>pk_...</c>) for this request only; null means the configured one.</summary>
    public string? ApiKey { get; set; }
}
