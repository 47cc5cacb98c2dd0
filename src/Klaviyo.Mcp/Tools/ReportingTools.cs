using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.Insights;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Metrics;
using Klaviyo.Mcp.Tools.Reporting;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Reporting API: campaign and flow performance as Klaviyo's own reports show it.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class ReportingTools(KlaviyoClient klaviyo, MetricResolver metrics, ReportNames names, ResultBudget budget)
{
    public static readonly string[] Statistics =
    [
        "average_order_value", "bounce_rate", "bounced", "bounced_or_failed", "bounced_or_failed_rate", "click_rate", "click_to_open_rate", "clicks", "clicks_unique",
        "conversion_rate", "conversion_uniques", "conversion_value", "conversions", "delivered", "delivery_rate", "failed", "failed_rate", "message_segment_count_sum",
        "open_rate", "opens", "opens_unique", "recipients", "revenue_per_recipient", "spam_complaint_rate", "spam_complaints", "text_message_credit_usage_amount",
        "text_message_roi", "text_message_spend", "unsubscribe_rate", "unsubscribe_uniques", "unsubscribes",
    ];

    public static readonly string[] Timeframes =
    [
        "today", "yesterday", "this_week", "last_week", "this_month", "last_month", "this_year", "last_year",
        "last_7_days", "last_30_days", "last_90_days", "last_3_months", "last_12_months", "last_365_days",
    ];

    private static readonly string[] s_campaignGroups = ["campaign_id", "campaign_message_id", "campaign_message_name", "group", "group_name", "send_channel", "tag_id", "tag_name", "text_message_format", "variation", "variation_name"];
    private static readonly string[] s_flowGroups = ["flow_id", "flow_message_id", "flow_message_name", "flow_name", "send_channel", "tag_id", "tag_name", "text_message_format", "variation", "variation_name"];
    private static readonly ArgumentPointerMap s_pointers = new(("/data/attributes/", ""));

    internal static readonly ToolCallDescriptor CampaignValuesOperation = new("query_campaign_values", "query_campaign_values", s_pointers);
    internal static readonly ToolCallDescriptor FlowValuesOperation = new("query_flow_values", "query_flow_values", s_pointers);

    [ToolOperation("query_campaign_values")]
    [McpServerTool(Name = "query_campaign_values", Title = "Campaign performance", ReadOnly = true)]
    [Description(
        "Campaign performance as in Klaviyo reports, per campaign over a timeframe; rates are fractions. Heavily rate limited: ask for all statistics at once.")]
    public Task<CallToolResult> QueryCampaignValues(
        [Description("e.g. opens, open_rate, clicks, click_rate, conversion_value, unsubscribes.")] string[] statistics,
        [Description("e.g. last_7_days, last_month, this_year; or start and end.")] string? timeframe = null,
        [Description("ISO 8601, at most a year before end.")] string? start = null,
        [Description("ISO 8601.")] string? end = null,
        [Description("Default: Placed Order.")] string? conversion_metric_id = null,
        [Description("Only these campaigns, at most 100.")] string[]? campaign_ids = null,
        [Description("campaign_id, campaign_message_id, send_channel (default), campaign_message_name, variation, tag_name, ...")] string[]? group_by = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default) =>
        QueryAsync(ValuesReportResource.CampaignType, CampaignValuesOperation, statistics, timeframe, start, end, conversion_metric_id, "campaign_ids", campaign_ids, "campaign_id", s_campaignGroups, group_by, cursor, cancellationToken);

    [ToolOperation("query_flow_values")]
    [McpServerTool(Name = "query_flow_values", Title = "Flow performance", ReadOnly = true)]
    [Description(
        "Flow performance as in Klaviyo reports, per flow and message over a timeframe. Heavily rate limited: ask for all statistics at once.")]
    public Task<CallToolResult> QueryFlowValues(
        [Description("e.g. recipients, delivered, open_rate, click_rate, conversions, conversion_value.")] string[] statistics,
        [Description("e.g. last_7_days, last_month, this_year; or start and end.")] string? timeframe = null,
        [Description("ISO 8601, at most a year before end.")] string? start = null,
        [Description("ISO 8601.")] string? end = null,
        [Description("Default: Placed Order.")] string? conversion_metric_id = null,
        [Description("Only these flows, at most 100.")] string[]? flow_ids = null,
        [Description("flow_id, flow_message_id, send_channel (default), flow_name, flow_message_name, variation, tag_name, ...")] string[]? group_by = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default) =>
        QueryAsync(ValuesReportResource.FlowType, FlowValuesOperation, statistics, timeframe, start, end, conversion_metric_id, "flow_ids", flow_ids, "flow_id", s_flowGroups, group_by, cursor, cancellationToken);

    private async Task<CallToolResult> QueryAsync(
        string type, ToolCallDescriptor operation, string[]? statistics, string? timeframe, string? start, string? end, string? conversionMetricId,
        string idsArgument, string[]? ids, string idField, string[] groups, string[]? groupBy, string? cursor, CancellationToken cancellationToken)
    {
        var errors = new ArgumentErrors();
        if (statistics is not { Length: > 0 })
        {
            errors.Add("statistics", "must list at least one statistic, e.g. [\"opens\", \"open_rate\"]");
        }

        statistics = ChoiceRules.Each("statistics", statistics, Statistics, errors);
        groupBy = ChoiceRules.Each("group_by", groupBy, groups, errors);
        ReportTimeframe? frame = null;
        if (timeframe is not null)
        {
            if (start is not null || end is not null)
            {
                errors.Add("timeframe", "give timeframe, or start and end, not both");
            }
            else if (ChoiceRules.One("timeframe", timeframe, Timeframes, errors) is { } key)
            {
                frame = new ReportTimeframe { Key = key };
            }
        }
        else if (start is null || end is null)
        {
            errors.Add("timeframe", "is required: give a timeframe such as \"last_7_days\", or start and end");
        }
        else
        {
            var (from, to) = TimeRange.Check("start", start, "end", end, errors);
            if (from is { } f && to is { } t)
            {
                if (t - f > TimeSpan.FromDays(366))
                {
                    errors.Add("start", "the range is longer than one year, the most Klaviyo reports allow");
                }

                frame = new ReportTimeframe { Start = f, End = t };
            }
        }

        if (ids is { Length: > 100 })
        {
            errors.Add(idsArgument, $"has {ids.Length} ids; Klaviyo's report filter takes at most 100");
        }

        for (var i = 0; i < (ids?.Length ?? 0); i++)
        {
            TextRules.Required($"{idsArgument}[{i}]", ids![i], errors);
        }

        if (conversionMetricId is not null)
        {
            TextRules.Required("conversion_metric_id", conversionMetricId, errors);
        }

        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        string? note = null;
        if (conversionMetricId is null)
        {
            var placedOrder = (await metrics.AllAsync(null, cancellationToken).ConfigureAwait(false))
                .Where(m => string.Equals(m.Name, MetricResolver.PlacedOrder, StringComparison.OrdinalIgnoreCase))
                .OrderBy(m => m.Integration is null ? 1 : 0)
                .ToList();
            if (placedOrder.Count == 0)
            {
                throw new ToolArgumentException("conversion_metric_id",
                    "is required: the account has no \"Placed Order\" metric to count conversions with; give the id of the metric that records orders (see get_metrics)", nothingSent: false);
            }

            conversionMetricId = placedOrder[0].Id;
            note = $"Conversions count the \"{placedOrder[0].Name}\" metric (id {placedOrder[0].Id}{(placedOrder[0].Integration is null ? "" : ", " + placedOrder[0].Integration)})" +
                   (placedOrder.Count > 1 ? $"; the account has {placedOrder.Count} metrics of that name, pass conversion_metric_id to choose another." : ".");
        }

        var report = new ValuesReportResource(type, new ValuesReportAttributes
        {
            Statistics = statistics!,
            Timeframe = frame!,
            ConversionMetricId = conversionMetricId,
            GroupBy = groupBy is { Length: > 0 } ? groupBy : null,
            Filter = ids is { Length: > 0 } ? new KlaviyoFilter().Raw($"contains-any({idField},[{string.Join(',', ids.Select(KlaviyoFilter.Quote))}])").ToString() : null,
        });
        var document = await KlaviyoCalls.RunAsync(operation, () => klaviyo.QueryValuesReportAsync(report, current.KlaviyoCursor, cancellationToken)).ConfigureAwait(false);
        var rows = await RowsAsync(document.Data, idField, cancellationToken).ConfigureAwait(false);
        return ToolResults.Collection([.. rows.Skip(current.Skip)], current, document.NextCursor, budget, note);
    }

    /// <summary>Klaviyo's results as rows: the groupings, the campaign's or flow's name, then the statistics.</summary>
    private async Task<List<JsonObject>> RowsAsync(JsonElement data, string idField, CancellationToken cancellationToken)
    {
        var results = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty("results", out var list)
            ? list.EnumerateArray().ToList()
            : [];
        var keyed = results.Select(r => (
            Groupings: r.TryGetProperty("groupings", out var g) ? g : default,
            Statistics: r.TryGetProperty("statistics", out var s) ? s : default)).ToList();

        static string? Text(JsonElement groupings, string name) =>
            groupings.ValueKind == JsonValueKind.Object && groupings.TryGetProperty(name, out var value) ? value.GetString() : null;

        var lookup = idField == "campaign_id"
            ? await names.CampaignsAsync([.. keyed.Where(r => Text(r.Groupings, idField) is not null).Select(r => (Text(r.Groupings, idField)!, ReportNames.CampaignChannel(Text(r.Groupings, "send_channel"))))], cancellationToken).ConfigureAwait(false)
            : await names.FlowsAsync([.. keyed.Select(r => Text(r.Groupings, idField)).OfType<string>()], cancellationToken).ConfigureAwait(false);

        var rows = new List<JsonObject>();
        foreach (var (groupings, statistics) in keyed)
        {
            var row = new JsonObject();
            if (groupings.ValueKind == JsonValueKind.Object)
            {
                foreach (var grouping in groupings.EnumerateObject())
                {
                    row[grouping.Name] = JsonApiShaper.Compact(grouping.Value);
                    if (grouping.Name == idField && grouping.Value.GetString() is { } id)
                    {
                        row[idField == "campaign_id" ? "campaign_name" : "flow_name"] = lookup.TryGetValue(id, out var name) ? name : null;
                    }
                }
            }

            if (statistics.ValueKind == JsonValueKind.Object)
            {
                foreach (var statistic in statistics.EnumerateObject())
                {
                    row[statistic.Name] = JsonApiShaper.Compact(statistic.Value);
                }
            }

            rows.Add(row);
        }

        return rows;
    }
}
