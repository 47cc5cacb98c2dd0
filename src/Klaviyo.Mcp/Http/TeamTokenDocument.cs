using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>One token in the tokens file: who holds it, the SHA-256 of the token, its account and its restrictions.</summary>
internal sealed class TeamTokenDocument : TeamMemberDocument
{
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }
}
