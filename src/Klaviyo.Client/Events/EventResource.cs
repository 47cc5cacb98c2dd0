using System.Text.Json.Serialization;

namespace Klaviyo.Client.Events;

/// <summary>The <c>event</c> resource of Create Event (<c>EventCreateQueryV2ResourceObject</c>) and of a bulk job's events.</summary>
public sealed record EventResource(EventAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "event";
}
