namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// Klaviyo's tokens for one person, as its token endpoint answers them. Kept only sealed (<see cref="TokenSealer"/>);
/// a class, not a record, so that no generated <c>ToString</c> prints a token.
/// </summary>
public sealed class KlaviyoTokens(string accessToken, string refreshToken, DateTimeOffset expires, string scope)
{
    public string AccessToken { get; } = accessToken;

    public string RefreshToken { get; } = refreshToken;

    /// <summary>When the access token stops working, by Klaviyo's <c>expires_in</c>.</summary>
    public DateTimeOffset Expires { get; } = expires;

    public string Scope { get; } = scope;

    public override string ToString() => $"Klaviyo tokens (scope {Scope}, expiring {Expires:O})";
}
