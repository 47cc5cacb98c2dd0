using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>One account in the tokens file: the environment variable that holds its private key, never the key.</summary>
internal sealed class TeamAccountDocument
{
    [JsonPropertyName("api_key_env")]
    public string? ApiKeyEnv { get; set; }
}
