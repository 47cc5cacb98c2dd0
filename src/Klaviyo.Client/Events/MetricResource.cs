using System.Text.Json.Serialization;

namespace Klaviyo.Client.Events;

/// <summary>The metric an event is recorded under, named (Klaviyo creates it on first use).</summary>
public sealed record MetricResource(MetricAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "metric";
}
