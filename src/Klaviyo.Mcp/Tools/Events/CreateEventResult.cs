namespace Klaviyo.Mcp.Tools.Events;

/// <summary>
/// What create_event reports once Klaviyo accepted the event (HTTP 202): the metric, the profile identifiers sent, the
/// unique_id and time sent (and whether the server generated them), and the value and currency if given.
/// </summary>
public sealed record CreateEventResult
{
    public required string Status { get; init; }

    public required string Metric { get; init; }

    public required IReadOnlyDictionary<string, string> Profile { get; init; }

    public required string UniqueId { get; init; }

    public bool UniqueIdGenerated { get; init; }

    public required string Time { get; init; }

    public bool TimeGenerated { get; init; }

    public double? Value { get; init; }

    public string? ValueCurrency { get; init; }
}
