using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Flows area: automations that send when something happens.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class FlowTools(KlaviyoClient klaviyo, ResultBudget budget, ConfirmationGate gate)
{
    public static readonly string[] Statuses = ["draft", "manual", "live"];
    public static readonly string[] TriggerTypes = ["Metric", "Added to List", "Unconfigured", "Date Based", "Price Drop", "Low Inventory"];

    internal static readonly ToolCallDescriptor GetFlowsOperation = ToolCallDescriptor.Read("get_flows", "get_flows");
    internal static readonly ToolCallDescriptor GetFlowOperation = ToolCallDescriptor.Read("get_flow", "get_flow");
    internal static readonly ToolCallDescriptor UpdateStatusOperation = new("update_flow_status", "update_flow", new ArgumentPointerMap(("/data/attributes/", ""), ("/data/id", "id")));

    [ToolOperation("get_flows")]
    [McpServerTool(Name = "get_flows", Title = "Find flows", ReadOnly = true)]
    [Description("List flows (automations) by status, name or trigger type.")]
    public async Task<CallToolResult> GetFlows(
        [Description("draft, manual or live.")] string? status = null,
        [Description("Part of the name.")] string? name_contains = null,
        [Description("Metric, Added to List, Date Based, Price Drop, Low Inventory or Unconfigured.")] string? trigger_type = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var canonicalStatus = ChoiceRules.One("status", status, Statuses, errors);
        var trigger = ChoiceRules.One("trigger_type", trigger_type, TriggerTypes, errors);
        TextRules.NotBlank("name_contains", name_contains, errors);

        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var filter = new KlaviyoFilter();
        if (canonicalStatus is not null)
        {
            filter.Equal("status", canonicalStatus);
        }

        if (name_contains is not null)
        {
            filter.Contains("name", name_contains);
        }

        if (trigger is not null)
        {
            filter.Equal("trigger_type", trigger);
        }

        var query = new KlaviyoQuery().Filter(filter.ToString()).Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.RunAsync(GetFlowsOperation, () => klaviyo.GetFlowsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [ToolOperation("get_flow")]
    [McpServerTool(Name = "get_flow", Title = "Get flow", ReadOnly = true)]
    [Description("One flow by id, optionally with its actions (emails, SMS, delays, splits).")]
    public async Task<CallToolResult> GetFlow(
        [Description("Flow id.")] string id,
        [Description("True to add its actions.")] bool? include_actions = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();
        var query = new KlaviyoQuery().Include(include_actions == true ? ["flow-actions"] : null);
        var document = await KlaviyoCalls.RunAsync(GetFlowOperation, () => klaviyo.GetFlowAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("update_flow")]
    [McpServerTool(Name = "update_flow_status", Title = "Set flow status", Destructive = true, Idempotent = true)]
    [Description("Set a flow and its actions to draft, manual or live. live sends to real people as they trigger it.")]
    public async Task<CallToolResult> UpdateFlowStatus(
        RequestContext<CallToolRequestParams> request,
        [Description("Flow id.")] string id,
        [Description("draft, manual or live.")] string status,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        var canonical = ChoiceRules.One("status", status ?? "", Statuses, errors);
        errors.ThrowIfAny();
        var summary = canonical == "live"
            ? $"Set flow {IdentifierRules.Quote(id.Trim())} LIVE: from now on it sends to real people as they trigger it."
            : $"Set flow {IdentifierRules.Quote(id.Trim())} to {canonical}: if it is live, it stops sending to people who trigger it.";
        if (await gate.ConfirmAsync(request, summary, cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        var document = await KlaviyoCalls.RunAsync(UpdateStatusOperation, () => klaviyo.UpdateFlowStatusAsync(id.Trim(), canonical!, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }
}
