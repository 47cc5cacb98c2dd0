using System.Text.Json.Serialization;

namespace Klaviyo.Client.Insights;

/// <summary>A metric aggregate query (<c>MetricAggregateQuery</c>): counts, sums or unique profiles of a metric over time.</summary>
public sealed record MetricAggregateResource(MetricAggregateAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "metric-aggregate";
}
