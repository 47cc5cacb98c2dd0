using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>One event as an agent describes it: create_event's arguments, and one item of a bulk call.</summary>
public sealed record CreateEventArguments
{
    [Required]
    [Description("The metric.")]
    public EventMetricArgument? Metric { get; init; }

    [Required]
    [Description("At least one of id, email, phone_number, external_id, anonymous_id.")]
    public EventProfileArgument? Profile { get; init; }

    [Description("Event properties (JSON object).")]
    public Dictionary<string, JsonElement>? Properties { get; init; }

    [Description("ISO 8601 (no offset: UTC). Default: now.")]
    public string? Time { get; init; }

    [Description("Monetary value.")]
    public double? Value { get; init; }

    [Description("ISO 4217, e.g. USD.")]
    public string? ValueCurrency { get; init; }

    [Description("Deduplication key. Default: derived from the item.")]
    public string? UniqueId { get; init; }
}
