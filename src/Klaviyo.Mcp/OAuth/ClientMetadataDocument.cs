using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// A client's metadata as RFC 7591 registers it and as a Client ID Metadata Document publishes it: the fields serve
/// reads (others are ignored), and <c>client_id</c> (set in a document, and in a registration's answer).
/// </summary>
public sealed class ClientMetadataDocument
{
    [JsonPropertyName("client_id")]
    public string? ClientId { get; set; }

    [JsonPropertyName("client_name")]
    public string? ClientName { get; set; }

    [JsonPropertyName("redirect_uris")]
    public List<string>? RedirectUris { get; set; }

    [JsonPropertyName("token_endpoint_auth_method")]
    public string? TokenEndpointAuthMethod { get; set; }

    [JsonPropertyName("grant_types")]
    public List<string>? GrantTypes { get; set; }

    [JsonPropertyName("response_types")]
    public List<string>? ResponseTypes { get; set; }
}
