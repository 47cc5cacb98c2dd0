using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>One token in the tokens file: who holds it, the SHA-256 of the token, its account and its restrictions.</summary>
internal sealed class TeamTokenDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }

    [JsonPropertyName("account")]
    public string? Account { get; set; }

    [JsonPropertyName("read_only")]
    public bool ReadOnly { get; set; }

    [JsonPropertyName("drafts_only")]
    public bool DraftsOnly { get; set; }

    /// <summary>False: this token's results leave out what people outside the account wrote, and the event tools are not offered.</summary>
    [JsonPropertyName("user_content")]
    public bool UserContent { get; set; } = true;

    [JsonPropertyName("toolsets")]
    public List<string>? Toolsets { get; set; }
}
