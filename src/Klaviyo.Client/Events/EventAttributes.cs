using System.Text.Json;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Events;

/// <summary>An event's attributes as Klaviyo takes them. <c>properties</c> is required by the spec, so it is never omitted.</summary>
public sealed record EventAttributes
{
    public required IReadOnlyDictionary<string, JsonElement> Properties { get; init; }

    public DateTimeOffset? Time { get; init; }

    public double? Value { get; init; }

    public string? ValueCurrency { get; init; }

    /// <summary>Klaviyo records only the first event per profile, metric and <c>unique_id</c>; a request that carries one is safe to repeat.</summary>
    public string? UniqueId { get; init; }

    public required JsonApiData<MetricResource> Metric { get; init; }

    public required JsonApiData<EventProfileResource> Profile { get; init; }
}
