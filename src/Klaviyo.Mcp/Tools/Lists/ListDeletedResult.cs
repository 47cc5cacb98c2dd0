using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Lists;

[Description("The list was deleted.")]
public sealed record ListDeletedResult
{
    [Description("The deleted list's id.")]
    public required string Id { get; init; }

    [Description("Always true.")]
    public bool Deleted { get; init; } = true;
}
