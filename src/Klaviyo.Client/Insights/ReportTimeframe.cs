namespace Klaviyo.Client.Insights;

/// <summary>A named timeframe (<c>{ "key": "last_7_days" }</c>) or a custom one (<c>{ "start", "end" }</c>).</summary>
public sealed record ReportTimeframe
{
    public string? Key { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }
}
