using System.Text.Json.Serialization;

namespace Klaviyo.Client.Events;

/// <summary>One event inside a bulk job entry (<c>BaseEventCreateQueryBulkEntryResourceObject</c>): the profile is the entry's.</summary>
public sealed record BulkEventResource(BulkEventAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "event";
}
