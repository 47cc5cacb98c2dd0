using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// What a team token and an identity-provider principal of the policy file have in common: a name, an account, and the
/// restrictions <see cref="Access.AccessPolicy"/> applies to their requests.
/// </summary>
internal abstract class TeamMemberDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

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

    /// <summary>The restrictions this entry asks for; unknown toolset names are added to <paramref name="problems"/>.</summary>
    public Access.AccessRestrictions Restrictions(List<string> problems) =>
        Access.AccessRestrictions.From(ReadOnly, DraftsOnly, Toolsets is null ? null : string.Join(',', Toolsets), null, problems, noUserContent: !UserContent);
}
