namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// An authorization sent to Klaviyo and not yet back: the client's request (its redirect URI, state, PKCE challenge
/// and resource) and the server's own PKCE verifier for Klaviyo, sealed.
/// </summary>
public sealed record PendingAuthorization(
    string ClientId,
    string RedirectUri,
    string? ClientState,
    string CodeChallenge,
    string Resource,
    string SealedKlaviyoVerifier,
    DateTimeOffset Expires);
