using System.Text.Json.Serialization;

namespace Klaviyo.Client.Events;

/// <summary>One profile's events in a bulk job (<c>EventsBulkCreateQueryResourceObject</c>).</summary>
public sealed record BulkEventEntry(BulkEventEntryAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "event-bulk-create";
}
