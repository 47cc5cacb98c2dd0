namespace Klaviyo.Client.Insights;

/// <summary>What to aggregate. <c>filter</c> must hold the time range: <c>greater-or-equal(datetime,...)</c> and <c>less-than(datetime,...)</c>.</summary>
public sealed record MetricAggregateAttributes
{
    public required string MetricId { get; init; }

    public required IReadOnlyList<string> Measurements { get; init; }

    public required IReadOnlyList<string> Filter { get; init; }

    public string? Interval { get; init; }

    public IReadOnlyList<string>? By { get; init; }

    public string? Timezone { get; init; }

    public int? PageSize { get; init; }

    public string? PageCursor { get; init; }
}
