using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.OAuth;

/// <summary>The JSON of Klaviyo's token endpoint: tokens, or an OAuth error.</summary>
internal sealed class KlaviyoTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("expires_in")]
    public int? ExpiresIn { get; set; }

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }
}
