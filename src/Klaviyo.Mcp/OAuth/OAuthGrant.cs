namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// One person's sign-in through one client: what the server's own codes and tokens stand for. It holds Klaviyo's
/// tokens only sealed (<see cref="TokenSealer"/>, bound to <see cref="Id"/>). A class, not a record: nothing here is printed.
/// </summary>
public sealed class OAuthGrant(string id, string clientId, string resource, string scope, string sealedKlaviyoTokens)
{
    public string Id { get; } = id;

    public string ClientId { get; } = clientId;

    /// <summary>The resource (RFC 8707) the client asked for: the server's <c>&lt;public&gt;/mcp</c>.</summary>
    public string Resource { get; } = resource;

    /// <summary>The Klaviyo scopes granted, space-separated.</summary>
    public string Scope { get; } = scope;

    /// <summary>Klaviyo's access and refresh tokens, sealed; replaced when they are refreshed.</summary>
    public string SealedKlaviyoTokens { get; set; } = sealedKlaviyoTokens;

    /// <summary>
    /// What the rate limits of the person's Klaviyo account count by: the fingerprint of the account's id, read at
    /// sign-in (the same for everyone signed in to that account, and no secret).
    /// </summary>
    public string? Account { get; set; }

    /// <summary>Set once, never cleared: every code and token of the grant is refused from then on.</summary>
    public bool Revoked { get; set; }

    public override string ToString() => $"grant {Id} (client {ClientId})";
}
