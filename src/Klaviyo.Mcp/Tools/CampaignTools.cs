using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Campaigns area: one-off sends.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class CampaignTools(KlaviyoClient klaviyo, ResultBudget budget)
{
    public static readonly string[] Channels = ["email", "sms", "mobile_push"];

    public static readonly string[] Statuses =
    [
        "Scheduled", "Sent", "Draft", "Cancelled", "Adding Recipients", "Sending", "Variations Sent", "Sending Segments", "Cancelled: Smart Sending",
        "Preparing to send", "Cancelled: Account Disabled", "Cancelled: No Recipients", "Preparing to schedule", "Cancelled: Internal Error",
        "Queued without Recipients", "Cancelled: Billing Limit", "Cancelled: Misconfigured", "Unknown",
    ];

    internal static readonly ToolCallDescriptor GetCampaignsOperation = ToolCallDescriptor.Read("get_campaigns", "get_campaigns", new Dictionary<string, string> { ["filter"] = "channel, status, name_contains, since or until" });
    internal static readonly ToolCallDescriptor GetCampaignOperation = ToolCallDescriptor.Read("get_campaign", "get_campaign");

    [ToolOperation("get_campaigns")]
    [McpServerTool(Name = "get_campaigns", Title = "Find campaigns", ReadOnly = true)]
    [Description("List campaigns of one channel by status, name and schedule. Performance: query_campaign_values.")]
    public async Task<CallToolResult> GetCampaigns(
        [Description("email (default), sms or mobile_push.")] string? channel = null,
        [Description("e.g. Sent, Draft, Scheduled, Cancelled.")] string? status = null,
        [Description("Part of the name.")] string? name_contains = null,
        [Description("Scheduled at or after, ISO 8601.")] string? since = null,
        [Description("Scheduled before, ISO 8601.")] string? until = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var canonicalChannel = ChoiceRules.One("channel", channel ?? "email", Channels, errors);

        var canonicalStatus = ChoiceRules.One("status", status, Statuses, errors);
        TextRules.NotBlank("name_contains", name_contains, errors);

        var (from, to) = TimeRange.Check("since", since, "until", until, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var filter = new KlaviyoFilter().Equal("messages.channel", canonicalChannel!);
        if (canonicalStatus is not null)
        {
            filter.Equal("status", canonicalStatus);
        }

        if (name_contains is not null)
        {
            filter.Contains("name", name_contains);
        }

        if (from is { } f)
        {
            filter.GreaterOrEqual("scheduled_at", f);
        }

        if (to is { } t)
        {
            filter.LessThan("scheduled_at", t);
        }

        var query = new KlaviyoQuery().Filter(filter.ToString()).Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.RunAsync(GetCampaignsOperation, () => klaviyo.GetCampaignsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [ToolOperation("get_campaign")]
    [McpServerTool(Name = "get_campaign", Title = "Get campaign", ReadOnly = true)]
    [Description("One campaign by id, with its messages (subject, channel, content).")]
    public async Task<CallToolResult> GetCampaign(
        [Description("Campaign id.")] string id,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();
        var document = await KlaviyoCalls.RunAsync(GetCampaignOperation, () => klaviyo.GetCampaignAsync(id.Trim(), new KlaviyoQuery().Include(["campaign-messages"]), cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }
}
