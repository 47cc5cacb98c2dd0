using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.Insights;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Metrics;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Metrics area: the kinds of event an account records, and counts of them over time.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class MetricTools(KlaviyoClient klaviyo, MetricResolver metrics, ResultBudget budget)
{
    private static readonly string[] s_measurements = ["count", "sum_value", "unique"];
    private static readonly string[] s_intervals = ["hour", "day", "week", "month"];
    private static readonly string[] s_groupBy =
    [
        "$attributed_channel", "$attributed_flow", "$attributed_message", "$attributed_variation", "$campaign_channel", "$flow", "$flow_channel", "$message",
        "$message_send_cohort", "$usage_amount", "$value_currency", "$variation", "$variation_send_cohort", "Bot Click", "Bounce Type", "Campaign Name",
        "Client Canonical", "Client Name", "Client Type", "Email Domain", "Failure Source", "Failure Type", "From Number", "From Phone Region", "Inbox Provider",
        "List", "Message Format", "Message Name", "Message Type", "Method", "Segment Count", "Subject", "To Number", "To Phone Region", "URL", "form_id",
    ];

    internal static readonly ToolCallDescriptor GetMetricOperation = ToolCallDescriptor.Read("get_metric", "get_metric");
    internal static readonly ToolCallDescriptor AggregatesOperation = new("query_metric_aggregates", "query_metric_aggregates", new ArgumentPointerMap(("/data/attributes/", "")));

    [ToolOperation("get_metrics")]
    [McpServerTool(Name = "get_metrics", Title = "Find metrics", ReadOnly = true)]
    [Description("List metrics (kinds of event, e.g. Placed Order) by part of the name or integration.")]
    public async Task<CallToolResult> GetMetrics(
        [Description("Part of the name, ignoring case.")] string? name = null,
        [Description("Exact integration name, e.g. Shopify.")] string? integration = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var current = PageRules.Cursor(cursor, errors);
        TextRules.NotBlank("name", name, errors);

        errors.ThrowIfAny();

        if (name is null)
        {
            var query = new KlaviyoQuery().Filter(integration is null ? null : new KlaviyoFilter().Equal("integration.name", integration).ToString()).Cursor(current.KlaviyoCursor);
            var page = await KlaviyoCalls.RunAsync(ToolCallDescriptor.Read("get_metrics", "get_metrics"), () => klaviyo.GetMetricsAsync(query, cancellationToken)).ConfigureAwait(false);
            return ToolResults.Page(page, current, budget);
        }

        // Filtered here: all pages are read, and the matches are paged by the result budget alone.
        var all = await metrics.AllAsync(integration, cancellationToken).ConfigureAwait(false);
        var matches = all.Where(m => m.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            .Select(m => new JsonObject { ["id"] = m.Id, ["name"] = m.Name, ["integration"] = m.Integration })
            .Select(o => (JsonObject)JsonApiShaper.Compact(JsonSerializer.SerializeToElement(o, ToolJsonContext.Default.JsonObject))!)
            .Skip(current.Skip)
            .ToList();
        return ToolResults.Collection(matches, current, null, budget);
    }

    [ToolOperation("get_metric")]
    [McpServerTool(Name = "get_metric", Title = "Get metric", ReadOnly = true)]
    [Description("One metric by id.")]
    public async Task<CallToolResult> GetMetric(
        [Description("Metric id.")] string id,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();

        var document = await KlaviyoCalls.RunAsync(GetMetricOperation, () => klaviyo.GetMetricAsync(id.Trim(), cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("query_metric_aggregates")]
    [McpServerTool(Name = "query_metric_aggregates", Title = "Count metric events over time", ReadOnly = true)]
    [Description(
        "Count a metric over time: count, sum_value (revenue) and/or unique (profiles) per interval from start to end, optionally grouped by dimensions. " +
        "For campaign or flow performance use query_campaign_values or query_flow_values.")]
    public async Task<CallToolResult> QueryMetricAggregates(
        [Description("ISO 8601, inclusive; without offset, in timezone.")] string start,
        [Description("ISO 8601, exclusive; without offset, in timezone.")] string end,
        [Description("Metric id.")] string? metric_id = null,
        [Description("Exact name (any case), instead of metric_id.")] string? metric_name = null,
        [Description("count, sum_value and/or unique; default [count].")] string[]? measurements = null,
        [Description("hour, day (default), week or month.")] string? interval = null,
        [Description("Dimensions to group by, e.g. $message, URL, Campaign Name.")] string[]? by = null,
        [Description("Extra Klaviyo filter conditions, e.g. equals($attributed_channel,\"email\").")] string[]? filter = null,
        [Description("IANA, e.g. America/New_York; default UTC.")] string? timezone = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        CheckMetricReference(metric_id, metric_name, errors);
        measurements = ChoiceRules.Each("measurements", measurements, s_measurements, errors);
        by = ChoiceRules.Each("by", by, s_groupBy, errors);
        interval = ChoiceRules.One("interval", interval, s_intervals, errors);

        TimeZoneInfo zone = TimeZoneInfo.Utc;
        if (timezone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out zone!))
        {
            errors.Add("timezone", $"{IdentifierRules.Quote(timezone)} is not an IANA time zone (e.g. \"America/New_York\", \"Europe/Berlin\", \"UTC\")");
            zone = TimeZoneInfo.Utc;
        }

        var from = LocalTime("start", start, zone, errors);
        var to = LocalTime("end", end, zone, errors);
        if (from is { } f && to is { } t && f >= t)
        {
            errors.Add("start", $"{IdentifierRules.Quote(start)} is not before end {IdentifierRules.Quote(end)}");
        }

        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var (metricId, metricName) = await metrics.ResolveAsync(metric_id, metric_name, "metric_name", cancellationToken).ConfigureAwait(false);
        var query = new MetricAggregateAttributes
        {
            MetricId = metricId,
            Measurements = measurements is { Length: > 0 } ? measurements : ["count"],
            Filter =
            [
                $"greater-or-equal(datetime,{from:yyyy-MM-ddTHH:mm:ss})",
                $"less-than(datetime,{to:yyyy-MM-ddTHH:mm:ss})",
                .. filter ?? [],
            ],
            Interval = interval ?? "day",
            By = by is { Length: > 0 } ? by : null,
            Timezone = timezone,
            PageCursor = current.KlaviyoCursor,
        };
        var document = await KlaviyoCalls.RunAsync(AggregatesOperation, () => klaviyo.QueryMetricAggregatesAsync(query, cancellationToken)).ConfigureAwait(false);
        var rows = AggregateRows(document.Data, query.By ?? [], query.Measurements).Skip(current.Skip).ToList();
        return ToolResults.Collection(rows, current, document.NextCursor, budget,
            $"Metric {metricName ?? metricId} (id {metricId}), {query.Interval} intervals in {timezone ?? "UTC"}.");
    }

    /// <summary>Klaviyo's parallel arrays (dates, and per group measurements indexed by date) as one row per date and group.</summary>
    internal static IEnumerable<JsonObject> AggregateRows(JsonElement data, IReadOnlyList<string> by, IReadOnlyList<string> measurements)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("attributes", out var attributes) ||
            !attributes.TryGetProperty("dates", out var dates) || !attributes.TryGetProperty("data", out var groups))
        {
            yield break;
        }

        var dateList = dates.EnumerateArray().Select(d => d.GetString()).ToList();
        foreach (var group in groups.EnumerateArray())
        {
            var dimensions = group.TryGetProperty("dimensions", out var values) ? values.EnumerateArray().Select(v => v.GetString()).ToList() : [];
            var series = group.GetProperty("measurements");
            for (var i = 0; i < dateList.Count; i++)
            {
                var row = new JsonObject { ["date"] = dateList[i] };
                for (var d = 0; d < by.Count && d < dimensions.Count; d++)
                {
                    row[by[d]] = dimensions[d];
                }

                foreach (var measurement in measurements)
                {
                    if (series.TryGetProperty(measurement, out var numbers) && i < numbers.GetArrayLength())
                    {
                        row[measurement] = numbers[i].GetDouble();
                    }
                }

                yield return row;
            }
        }
    }

    internal static void CheckMetricReference(string? metricId, string? metricName, ArgumentErrors errors) =>
        Lists.ResourceNameResolver.CheckReference("metric_id", metricId, "metric_name", metricName, required: true, errors);

    private static DateTime? LocalTime(string name, string value, TimeZoneInfo zone, ArgumentErrors errors)
    {
        if (!IsoTimestamp.TryParse(value, out var instant))
        {
            errors.Add(name, $"{IdentifierRules.Quote(value)} is not an ISO 8601 timestamp (e.g. \"2026-07-01T00:00:00Z\" or \"2026-07-01\")");
            return null;
        }

        // No offset: the wall-clock time in the report's time zone. An offset: that instant, shown in the time zone.
        return IsoTimestamp.HasOffset(value)
            ? TimeZoneInfo.ConvertTime(instant, zone).DateTime
            : DateTime.SpecifyKind(instant.UtcDateTime, DateTimeKind.Unspecified);
    }
}
