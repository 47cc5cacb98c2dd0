using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>The tokens file as written: accounts (each naming the variable that holds its key) and the tokens' hashes.</summary>
internal sealed class TeamTokensDocument
{
    [JsonPropertyName("accounts")]
    public Dictionary<string, TeamAccountDocument>? Accounts { get; set; }

    [JsonPropertyName("tokens")]
    public List<TeamTokenDocument>? Tokens { get; set; }
}
