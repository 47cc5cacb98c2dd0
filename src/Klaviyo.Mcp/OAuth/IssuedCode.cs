namespace Klaviyo.Mcp.OAuth;

/// <summary>An authorization code of the server's own, as kept under its hash: the grant, and what its redemption must match.</summary>
public sealed record IssuedCode(string GrantId, string ClientId, string RedirectUri, string CodeChallenge, DateTimeOffset Expires);
