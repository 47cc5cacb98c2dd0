namespace Klaviyo.Mcp.OAuth;

/// <summary>What the token endpoint answers: the server's own tokens, or an OAuth error (RFC 6749 §5.2, RFC 8707's <c>invalid_target</c>).</summary>
public sealed record OAuthTokenResult(string? AccessToken, string? RefreshToken, int ExpiresIn, string? Scope, string? Error, string? ErrorDescription)
{
    public bool Succeeded => Error is null;

    public static OAuthTokenResult Fail(string error, string description) => new(null, null, 0, null, error, description);
}
