using System.Text.Json;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Events;

/// <summary>An event's attributes in a bulk job: as for Create Event, without the profile.</summary>
public sealed record BulkEventAttributes
{
    public required IReadOnlyDictionary<string, JsonElement> Properties { get; init; }

    public DateTimeOffset? Time { get; init; }

    public double? Value { get; init; }

    public string? ValueCurrency { get; init; }

    public string? UniqueId { get; init; }

    public required JsonApiData<MetricResource> Metric { get; init; }

    public static BulkEventAttributes From(EventAttributes attributes) => new()
    {
        Properties = attributes.Properties,
        Time = attributes.Time,
        Value = attributes.Value,
        ValueCurrency = attributes.ValueCurrency,
        UniqueId = attributes.UniqueId,
        Metric = attributes.Metric,
    };
}
