using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Events;

[Description("An input item (or file row) that was not sent, and why.")]
public sealed record InvalidItem
{
    [Description("Index of the item in events (bulk_create_events).")]
    public int? Index { get; init; }

    [Description("The file's physical line where the row starts (CSV: the header is line 1; JSON Lines: one row a line).")]
    public int? Line { get; init; }

    [Description("The item's position in a JSON array file (1-based).")]
    public int? Item { get; init; }

    [Description("Each broken rule, as \"argument path: rule\".")]
    public required IReadOnlyList<string> Errors { get; init; }
}
