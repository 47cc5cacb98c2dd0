using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>One event as an agent describes it: create_event's arguments, and one item of a bulk call.</summary>
public sealed record CreateEventArguments
{
    [Required]
    [Description("The metric: { \"name\": \"Placed Order\" }. Required.")]
    public EventMetricArgument? Metric { get; init; }

    [Required]
    [Description("The profile: at least one of id, email, phone_number, external_id, anonymous_id. Required.")]
    public EventProfileArgument? Profile { get; init; }

    [Description("Event properties as a JSON object, e.g. { \"OrderId\": \"4711\", \"Items\": [\"Book\"] }.")]
    public Dictionary<string, JsonElement>? Properties { get; init; }

    [Description("When it happened, ISO 8601, e.g. \"2026-07-20T14:03:00Z\" (no offset means UTC).")]
    public string? Time { get; init; }

    [Description("Monetary value, e.g. the order total.")]
    public double? Value { get; init; }

    [Description("ISO 4217 currency of value, e.g. \"USD\".")]
    public string? ValueCurrency { get; init; }

    [Description("Deduplication key for the event.")]
    public string? UniqueId { get; init; }
}
