using System.Text.Json.Serialization;

namespace Klaviyo.Client.Events;

/// <summary>A bulk job (<c>EventsBulkCreateJob</c>): at most 1000 events and 5 MB, grouped by profile.</summary>
public sealed record BulkEventJobResource(BulkEventJobAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "event-bulk-create-job";
}
