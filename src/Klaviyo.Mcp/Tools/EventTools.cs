using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Events area: recording what people do.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class EventTools(KlaviyoClient klaviyo, EventArgumentsValidator validator)
{
    internal static readonly KlaviyoOperation CreateEventOperation = new(
        "create_event",
        "events:write",
        new ArgumentPointerMap(
            ("/data/attributes/profile/data/attributes/", "profile."),
            ("/data/attributes/profile/data/", "profile."),
            ("/data/attributes/metric/data/attributes/", "metric."),
            ("/data/attributes/metric/data/", "metric."),
            ("/data/attributes/", "")));

    [McpServerTool(
        Name = "create_event",
        Title = "Create event",
        ReadOnly = false,
        Destructive = false,
        Idempotent = false,
        OpenWorld = true,
        UseStructuredContent = true,
        OutputSchemaType = typeof(CreateEventResult))]
    [Description(
        "Record one thing a person did (an event such as \"Placed Order\" or \"Viewed Product\") in Klaviyo, on their profile; " +
        "Klaviyo creates the profile or the metric if they do not exist yet, and events can trigger flows. " +
        "Give a metric name and at least one profile identifier (id, email, phone_number, external_id or anonymous_id). " +
        "Limits: metric name at most 127 characters; properties at most 300 keys, strings up to 100 KB, arrays up to 4000 items, 10 levels of nesting, 5 MB in all; " +
        "time between 2000-01-01 and one year from now. " +
        "Klaviyo keeps only the first event per profile, metric and unique_id: when unique_id is not given one is generated and returned, " +
        "so repeating a call with that unique_id never records the event twice. " +
        "Klaviyo processes events asynchronously, so a new event can take a minute to show. Needs the events:write scope.")]
    public async Task<CallToolResult> CreateEvent(
        [Description("The metric (kind of activity): { \"name\": \"Placed Order\" }. The name is required, 1 to 127 characters.")]
        EventMetricArgument metric,
        [Description("The person: at least one of id, email, phone_number (E.164, e.g. \"+15005550006\"), external_id, anonymous_id; optionally names, location and custom properties to set on the profile.")]
        EventProfileArgument profile,
        [Description("Event properties, a JSON object, e.g. { \"OrderId\": \"4711\", \"Items\": [\"Book\"] }. Top-level scalar values can be used in segments; put large non-segmentable data under \"$extra\".")]
        Dictionary<string, JsonElement>? properties = null,
        [Description("When it happened, ISO 8601, e.g. \"2026-07-20T14:03:00Z\" (no offset means UTC). Default: now. Between 2000-01-01 and one year from now.")]
        string? time = null,
        [Description("Monetary value of the event, e.g. an order total. Leave out for events without revenue (it is not sent as 0).")]
        double? value = null,
        [Description("ISO 4217 currency of value, three letters, e.g. \"USD\".")]
        string? value_currency = null,
        [Description("Your key for this event (e.g. \"order-4711\"). Klaviyo records only the first event per profile, metric and unique_id. Default: a generated id, returned in the result.")]
        string? unique_id = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var prepared = validator.Prepare(
            new CreateEventArguments
            {
                Metric = metric,
                Profile = profile,
                Properties = properties,
                Time = time,
                Value = value,
                ValueCurrency = value_currency,
                UniqueId = unique_id,
            },
            path: "",
            errors);
        errors.ThrowIfAny();

        try
        {
            await klaviyo.CreateEventAsync(prepared!.Resource, cancellationToken).ConfigureAwait(false);
        }
        catch (KlaviyoException failure)
        {
            throw new KlaviyoToolException(CreateEventOperation, failure);
        }

        return ToolResults.Success(
            new CreateEventResult
            {
                Status = "accepted",
                Metric = prepared.MetricName,
                Profile = prepared.ProfileIdentifiers,
                UniqueId = prepared.UniqueId,
                UniqueIdGenerated = prepared.UniqueIdGenerated,
                Time = prepared.Time.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                TimeGenerated = prepared.TimeGenerated,
                Value = value,
                ValueCurrency = prepared.Resource.Attributes.ValueCurrency,
            },
            KlaviyoMcpJsonContext.Default.CreateEventResult);
    }
}
