using System.ComponentModel;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Prompts;

/// <summary>Ready-made jobs for the insight tools: what to ask for, in which order, and how to report it.</summary>
[McpServerPromptType]
public sealed class InsightPrompts
{
    [McpServerPrompt(Name = "weekly_performance_review", Title = "Weekly performance review")]
    [PromptTools("get_account", "query_campaign_values", "query_flow_values")]
    [Description("Review the last 7 days of campaigns and flows against the 7 days before, and say what changed and what to do about it.")]
    public static string WeeklyPerformanceReview(
        [Description("The statistics to compare; default: recipients, open_rate, click_rate, conversions, conversion_value, revenue_per_recipient, unsubscribe_rate.")] string? statistics = null)
    {
        var stats = string.IsNullOrWhiteSpace(statistics) ? "recipients, open_rate, click_rate, conversions, conversion_value, revenue_per_recipient, unsubscribe_rate" : statistics;
        return $"""
            Review this Klaviyo account's email and SMS performance for the last 7 days compared with the 7 days before.

            1. Call get_account for the account's time zone and currency.
            2. Call query_campaign_values with statistics [{stats}] and timeframe "last_7_days". Then call it again with start and end set to the 7 days before that
               (end = 7 days ago, start = 14 days ago, as ISO 8601 dates).
            3. Call query_flow_values the same two ways.
            4. Reports are limited to 2 a minute: if a call says to retry after N seconds, wait, then call it again.

            Then report, briefly:
            - totals for each period and the change in percent, campaigns and flows apart;
            - the three best and the three worst campaigns by revenue_per_recipient, with their names;
            - flows whose conversion_value or click_rate dropped by more than 20%;
            - anything unusual (unsubscribe_rate above 0.5%, a rate of 0 where there were recipients);
            - two or three concrete next steps.
            Rates are fractions (0.25 means 25%). Say which conversion metric was used.
            """;
    }

    [McpServerPrompt(Name = "flow_health_check", Title = "Flow health check")]
    [PromptTools("get_flows", "query_flow_values", "get_flow")]
    [Description("Check every live flow: is it sending, converting and not driving unsubscribes? Flag what needs attention.")]
    public static string FlowHealthCheck(
        [Description("A timeframe key for the report; default last_30_days.")] string? timeframe = null) =>
        $"""
        Check the health of this Klaviyo account's flows.

        1. Call get_flows with status "live" (page through next_cursor until it is absent); also call it with status "manual" to see paused flows.
        2. Call query_flow_values with statistics [recipients, delivered, delivery_rate, open_rate, click_rate, conversion_rate, conversion_value, unsubscribe_rate, spam_complaint_rate]
           and timeframe "{(string.IsNullOrWhiteSpace(timeframe) ? "last_30_days" : timeframe)}", grouped by flow_id.
        3. For a flow that looks wrong, call get_flow with include_actions to see its steps.

        Then list, per live flow: its name, recipients, conversion_value and the rates. Flag:
        - live flows with no recipients in the period (a broken trigger, or a list nobody joins);
        - delivery_rate below 95%, unsubscribe_rate above 0.5%, spam_complaint_rate above 0.05%;
        - flows in "manual" that look like they were meant to be live.
        Do not change any flow's status: suggest it, and let the user decide (a flow set live sends to real people).
        """;
}
