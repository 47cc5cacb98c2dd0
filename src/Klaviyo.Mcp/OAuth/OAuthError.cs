using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.OAuth;

/// <summary>An OAuth error answer (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707's <c>invalid_target</c>).</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string Description);
