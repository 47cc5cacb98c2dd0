using Klaviyo.Client.Events;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>A validated event, ready to send, with the facts the caller is told about it.</summary>
public sealed record PreparedEvent(
    EventResource Resource,
    IReadOnlyDictionary<string, string> ProfileIdentifiers,
    bool UniqueIdGenerated,
    bool TimeGenerated)
{
    public string MetricName => Resource.Attributes.Metric.Data.Attributes.Name;

    public string UniqueId => Resource.Attributes.UniqueId!;

    public DateTimeOffset Time => Resource.Attributes.Time!.Value;
}
