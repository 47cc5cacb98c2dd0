using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>The tokens file as written: accounts (each naming the variable that holds its key), the tokens' hashes, and the principals of OIDC mode.</summary>
internal sealed class TeamTokensDocument
{
    [JsonPropertyName("accounts")]
    public Dictionary<string, TeamAccountDocument>? Accounts { get; set; }

    [JsonPropertyName("tokens")]
    public List<TeamTokenDocument>? Tokens { get; set; }

    /// <summary>With <c>KLAVIYO_HTTP_AUTH=oidc</c>: who, among the people the identity provider signs in, may use which account and how.</summary>
    [JsonPropertyName("principals")]
    public List<TeamPrincipalDocument>? Principals { get; set; }
}
