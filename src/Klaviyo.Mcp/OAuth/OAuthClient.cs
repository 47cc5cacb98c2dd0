namespace Klaviyo.Mcp.OAuth;

/// <summary>A client the authorization server knows: registered (RFC 7591) or described by its metadata document; public (no secret).</summary>
public sealed record OAuthClient(string ClientId, string? ClientName, IReadOnlyList<string> RedirectUris)
{
    /// <summary>Whether <paramref name="redirectUri"/> is one of this client's (exactly, or a loopback one on any port).</summary>
    public bool Allows(string? redirectUri) => redirectUri is not null && RedirectUris.Any(r => OAuth.RedirectUris.Matches(r, redirectUri));
}
