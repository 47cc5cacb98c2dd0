using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Events;

[Description("What bulk_create_events sent.")]
public sealed record BulkCreateEventsResult
{
    [Description("Bulk jobs (requests) Klaviyo accepted; each holds at most 1000 events and 5 MB.")]
    public required int JobsSubmitted { get; init; }

    [Description("Events Klaviyo accepted for processing.")]
    public required int EventsAccepted { get; init; }

    [Description("How many items were invalid and not sent (skip_invalid).")]
    public int InvalidCount { get; init; }

    [Description("The invalid items, by index (the first 100).")]
    public IReadOnlyList<InvalidItem>? Invalid { get; init; }
}
