namespace Klaviyo.Mcp.OAuth;

/// <summary>An access or refresh token of the server's own, as kept under its hash: its grant and its expiry.</summary>
public sealed record IssuedToken(string GrantId, DateTimeOffset Expires);
