using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// One principal in the policy file (<c>KLAVIYO_HTTP_AUTH=oidc</c>): who it is (exactly one of the token's
/// <c>sub</c>, its <c>email</c>, or a group among its <c>groups</c>), its account and its restrictions, as a team token's.
/// </summary>
internal sealed class TeamPrincipalDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("subject")]
    public string? Subject { get; set; }

    [JsonPropertyName("email")]
    public string? Email { get; set; }

    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("account")]
    public string? Account { get; set; }

    [JsonPropertyName("read_only")]
    public bool ReadOnly { get; set; }

    [JsonPropertyName("drafts_only")]
    public bool DraftsOnly { get; set; }

    /// <summary>False: results leave out what people outside the account wrote, and the event tools are not offered.</summary>
    [JsonPropertyName("user_content")]
    public bool UserContent { get; set; } = true;

    [JsonPropertyName("toolsets")]
    public List<string>? Toolsets { get; set; }
}
