using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Events;

[Description("Klaviyo accepted the event for processing.")]
public sealed record CreateEventResult
{
    [Description("Always \"accepted\": Klaviyo validated the event and queued it (HTTP 202).")]
    public required string Status { get; init; }

    [Description("The metric name the event was recorded under.")]
    public required string Metric { get; init; }

    [Description("The profile identifiers that were sent.")]
    public required IReadOnlyDictionary<string, string> Profile { get; init; }

    [Description("The event's unique_id; pass it again to repeat the call without recording a second event.")]
    public required string UniqueId { get; init; }

    [Description("True when the server generated unique_id because none was given.")]
    public bool UniqueIdGenerated { get; init; }

    [Description("The event time that was sent (ISO 8601, UTC).")]
    public required string Time { get; init; }

    [Description("True when the server stamped the current time because none was given.")]
    public bool TimeGenerated { get; init; }

    [Description("The monetary value sent, if any.")]
    public double? Value { get; init; }

    [Description("The currency of value, if any.")]
    public string? ValueCurrency { get; init; }
}
