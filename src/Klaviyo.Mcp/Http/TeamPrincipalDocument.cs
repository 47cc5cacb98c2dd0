using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// One principal in the policy file (<c>KLAVIYO_HTTP_AUTH=oidc</c>): who it is (exactly one of the token's
/// <c>sub</c>, its <c>email</c>, or a group among its <c>groups</c>), its account and its restrictions, as a team token's.
/// </summary>
internal sealed class TeamPrincipalDocument : TeamMemberDocument
{
    [JsonPropertyName("subject")]
    public string? Subject { get; set; }

    [JsonPropertyName("email")]
    public string? Email { get; set; }

    [JsonPropertyName("group")]
    public string? Group { get; set; }
}
