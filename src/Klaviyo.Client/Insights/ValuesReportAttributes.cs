namespace Klaviyo.Client.Insights;

public sealed record ValuesReportAttributes
{
    public required IReadOnlyList<string> Statistics { get; init; }

    public required ReportTimeframe Timeframe { get; init; }

    public required string ConversionMetricId { get; init; }

    public IReadOnlyList<string>? GroupBy { get; init; }

    public string? Filter { get; init; }
}
