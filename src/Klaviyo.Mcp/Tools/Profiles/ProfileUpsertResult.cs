using System.ComponentModel;
using System.Text.Json.Nodes;

namespace Klaviyo.Mcp.Tools.Profiles;

[Description("What create_or_update_profile did.")]
public sealed record ProfileUpsertResult
{
    [Description("\"created\" (Klaviyo answered 201) or \"updated\" (200).")]
    public required string Outcome { get; init; }

    [Description("The profile as Klaviyo holds it now: { id, ...attributes }.")]
    public required JsonObject Profile { get; init; }
}
