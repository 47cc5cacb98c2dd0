using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.OAuth;

/// <summary>What the token endpoint answers on success (RFC 6749 §5.1): the server's own tokens, never Klaviyo's.</summary>
public sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("scope")] string? Scope);
