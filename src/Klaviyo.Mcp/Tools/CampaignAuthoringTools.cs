using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Authoring;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Campaign authoring: drafts, their message and template, the recipient estimate, and the confirmed send.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class CampaignAuthoringTools(KlaviyoClient klaviyo, AudienceResolver resolver, ResourceNameResolver names, ConfirmationGate gate, ResultBudget budget, TimeProvider time, EstimatePolling polling)
{
    private static readonly ArgumentPointerMap s_campaignPointers = new(("/data/attributes/campaign-messages/data/0/attributes/definition/content/", ""), ("/data/attributes/", ""), ("/data/id", "campaign_id"));
    private static readonly ArgumentPointerMap s_messagePointers = new(("/data/attributes/definition/content/", ""), ("/data/id", "message_id"));

    [ToolOperation("create_campaign")]
    [McpServerTool(Name = "create_campaign", Title = "Create campaign", Destructive = false)]
    [Description("Create a draft campaign; sends nothing.")]
    public async Task<CallToolResult> CreateCampaign(
        [Description("Name.")] string name,
        [Description("List/segment ids/names.")] string[] audiences,
        [Description("email or sms.")] string? channel = null,
        [Description("To exclude.")] string[]? excluded_audiences = null,
        [Description("{method: immediate|static|throttled|smart_send_time, datetime, date, throttle_percentage, is_local}.")] JsonElement? send_strategy = null,
        [Description("Subject.")] string? subject = null,
        [Description("Preview.")] string? preview_text = null,
        [Description("From email.")] string? from_email = null,
        [Description("From name.")] string? from_label = null,
        [Description("Reply-to.")] string? reply_to_email = null,
        [Description("SMS text.")] string? sms_body = null,
        [Description("Template id.")] string? template_id = null,
        [Description("Or template name.")] string? template_name = null,
        [Description("Smart sending.")] bool? use_smart_sending = null,
        [Description("Track opens/clicks.")] bool? tracking = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("name", name, errors);
        var canonicalChannel = ChoiceRules.One("channel", channel ?? "email", CampaignArguments.Channels, errors) ?? "email";
        AudienceResolver.Check("audiences", audiences, required: true, errors);
        AudienceResolver.Check("excluded_audiences", excluded_audiences, required: false, errors);
        var strategy = CampaignArguments.SendStrategy(send_strategy, time.GetUtcNow(), errors);
        var definition = CampaignArguments.Definition(canonicalChannel, name?.Trim(), Email(subject, preview_text, from_email, from_label, reply_to_email), sms_body, errors, always: true)!;
        var trackingOptions = CampaignArguments.Tracking(tracking, canonicalChannel, errors);
        ResourceNameResolver.CheckReference("template_id", template_id, "template_name", template_name, required: false, errors);
        errors.ThrowIfAny();

        var included = (await resolver.ResolveAsync("audiences", audiences, cancellationToken).ConfigureAwait(false))!;
        var excluded = await resolver.ResolveAsync("excluded_audiences", excluded_audiences, cancellationToken).ConfigureAwait(false);
        var templateId = await TemplateIdAsync(template_id, template_name, cancellationToken).ConfigureAwait(false);

        var attributes = new JsonObject
        {
            ["name"] = name!.Trim(),
            ["audiences"] = Audiences(included, excluded),
        };
        SendSettings(attributes, strategy, use_smart_sending, trackingOptions);

        attributes["campaign-messages"] = new JsonObject
        {
            ["data"] = new JsonArray(new JsonObject { ["type"] = "campaign-message", ["attributes"] = new JsonObject { ["definition"] = definition } }),
        };

        var created = await KlaviyoCalls.SendAsync(klaviyo, "create_campaign", null, KlaviyoCalls.Document("campaign", attributes: attributes), s_campaignPointers, cancellationToken).ConfigureAwait(false);
        var campaign = CampaignState.From(created) with { Channel = canonicalChannel };
        var result = await DescribeAsync(campaign, cancellationToken).ConfigureAwait(false);
        if (templateId is not null && campaign.MessageId is { } messageId)
        {
            await AssignTemplateAsync(messageId, templateId, $"The draft campaign {campaign.Id} was created; only the template was not assigned.", cancellationToken).ConfigureAwait(false);
            result["template_id"] = templateId;
        }

        return ToolResults.Resource(result, budget);
    }

    [ToolOperation("update_campaign")]
    [McpServerTool(Name = "update_campaign", Title = "Edit campaign", Destructive = false)]
    [Description("Edit a draft campaign.")]
    public async Task<CallToolResult> UpdateCampaign(
        [Description("Campaign id.")] string campaign_id,
        [Description("Name.")] string? name = null,
        [Description("List/segment ids/names.")] string[]? audiences = null,
        [Description("To exclude.")] string[]? excluded_audiences = null,
        [Description("As create_campaign.")] JsonElement? send_strategy = null,
        [Description("Smart sending.")] bool? use_smart_sending = null,
        [Description("Track opens/clicks.")] bool? tracking = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("campaign_id", campaign_id, errors);
        TextRules.NotBlank("name", name, errors);
        AudienceResolver.Check("audiences", audiences, required: false, errors);
        AudienceResolver.Check("excluded_audiences", excluded_audiences, required: false, errors);
        if (audiences is { Length: 0 })
        {
            errors.Add("audiences", "must name at least one list or segment");
        }

        var strategy = CampaignArguments.SendStrategy(send_strategy, time.GetUtcNow(), errors);
        if (name is null && audiences is null && excluded_audiences is null && send_strategy is not { ValueKind: JsonValueKind.Object } && use_smart_sending is null && tracking is null)
        {
            errors.Add("arguments", "nothing to change: give name, audiences, excluded_audiences, send_strategy, use_smart_sending or tracking");
        }

        errors.ThrowIfAny();

        var campaign = await DraftAsync(campaign_id.Trim(), cancellationToken).ConfigureAwait(false);
        errors = new ArgumentErrors();
        var trackingOptions = CampaignArguments.Tracking(tracking, campaign.Channel, errors);
        errors.ThrowIfAny();
        var included = await resolver.ResolveAsync("audiences", audiences, cancellationToken).ConfigureAwait(false);
        var excluded = await resolver.ResolveAsync("excluded_audiences", excluded_audiences, cancellationToken).ConfigureAwait(false);

        var attributes = new JsonObject();
        if (name is not null)
        {
            attributes["name"] = name.Trim();
        }

        if (included is not null || excluded is not null)
        {
            attributes["audiences"] = Audiences(included, excluded);
        }

        SendSettings(attributes, strategy, use_smart_sending, trackingOptions);

        var updated = await KlaviyoCalls.SendAsync(klaviyo, "update_campaign", campaign.Id, KlaviyoCalls.Document("campaign", campaign.Id, attributes), s_campaignPointers, cancellationToken).ConfigureAwait(false);
        var after = CampaignState.From(updated);
        return ToolResults.Resource(await DescribeAsync(after with { MessageId = after.MessageId ?? campaign.MessageId, Channel = after.Channel ?? campaign.Channel }, cancellationToken).ConfigureAwait(false), budget);
    }

    [ToolOperation("update_campaign_message")]
    [McpServerTool(Name = "update_campaign_message", Title = "Edit message", Destructive = false)]
    [Description("Edit a draft's content or template.")]
    public async Task<CallToolResult> UpdateCampaignMessage(
        [Description("Campaign id.")] string? campaign_id = null,
        [Description("Or message id.")] string? message_id = null,
        [Description("Subject.")] string? subject = null,
        [Description("Preview.")] string? preview_text = null,
        [Description("From email.")] string? from_email = null,
        [Description("From name.")] string? from_label = null,
        [Description("Reply-to.")] string? reply_to_email = null,
        [Description("SMS text.")] string? sms_body = null,
        [Description("Template id.")] string? template_id = null,
        [Description("Or template name.")] string? template_name = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        ResourceNameResolver.CheckReference("campaign_id", campaign_id, "message_id", message_id, required: true, errors);
        ResourceNameResolver.CheckReference("template_id", template_id, "template_name", template_name, required: false, errors);
        var email = Email(subject, preview_text, from_email, from_label, reply_to_email);
        if (email.All(e => e.Value is null) && sms_body is null && template_id is null && template_name is null)
        {
            errors.Add("arguments", "nothing to change: give subject, preview_text, from_email, from_label, reply_to_email, sms_body or a template");
        }

        errors.ThrowIfAny();

        CampaignState campaign;
        if (campaign_id is not null)
        {
            campaign = await DraftAsync(campaign_id.Trim(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var message = await KlaviyoCalls.ReadAsync(klaviyo, "get_campaign_message", cancellationToken, message_id!.Trim(), null, "update_campaign_message", ("include", "campaign")).ConfigureAwait(false);
            var owner = message.Included.FirstOrDefault(r => r.GetProperty("type").GetString() == "campaign");
            campaign = owner.ValueKind == JsonValueKind.Object
                ? CampaignState.FromResource(owner, message.Resources) with { MessageId = message_id.Trim() }
                : new CampaignState(Id: "", Name: "", Status: "Draft", Channel: CampaignState.ChannelOf(message.Resource), MessageId: message_id.Trim());
            campaign.RequireDraft("message_id");
        }

        var channel = campaign.Channel ?? "email";
        errors = new ArgumentErrors();
        var definition = CampaignArguments.Definition(channel, null, email, sms_body, errors, always: false);
        errors.ThrowIfAny();
        var templateId = await TemplateIdAsync(template_id, template_name, cancellationToken).ConfigureAwait(false);
        var messageId = campaign.MessageId ?? throw new ToolFailureException($"Campaign {campaign.Id} has no message to update; {ToolErrorMessages.NothingSent}.");

        JsonObject? result = null;
        if (templateId is not null)
        {
            await AssignTemplateAsync(messageId, templateId, null, cancellationToken).ConfigureAwait(false);
        }

        if (definition is not null)
        {
            var updated = await KlaviyoCalls.SendAsync(
                klaviyo, "update_campaign_message", messageId,
                KlaviyoCalls.Document("campaign-message", messageId, new JsonObject { ["definition"] = definition }),
                s_messagePointers, cancellationToken, progress: templateId is null ? null : "The template had been assigned before this failure.").ConfigureAwait(false);
            result = JsonApiShaper.Flatten(updated.Resource);
        }

        result ??= new JsonObject { ["id"] = messageId };
        result["campaign_id"] = campaign.Id.Length > 0 ? campaign.Id : null;
        if (templateId is not null)
        {
            result["template_id"] = templateId;
        }

        return ToolResults.Resource(result, budget);
    }

    [ToolOperation("create_campaign_clone")]
    [McpServerTool(Name = "clone_campaign", Title = "Clone campaign", Destructive = false)]
    [Description("Copy a campaign as a draft.")]
    public async Task<CallToolResult> CloneCampaign(
        [Description("Campaign id.")] string campaign_id,
        [Description("Name.")] string? name = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("campaign_id", campaign_id, errors);
        TextRules.NotBlank("name", name, errors);
        errors.ThrowIfAny();
        var attributes = new JsonObject { ["new_name"] = name?.Trim() };
        var cloned = await KlaviyoCalls.SendAsync(klaviyo, "create_campaign_clone", null, KlaviyoCalls.Document("campaign", campaign_id.Trim(), attributes), s_campaignPointers, cancellationToken, "clone_campaign").ConfigureAwait(false);
        return ToolResults.Resource(await DescribeAsync(CampaignState.From(cloned), cancellationToken).ConfigureAwait(false), budget);
    }

    [ToolOperation("delete_campaign")]
    [McpServerTool(Name = "delete_campaign", Title = "Delete campaign", Destructive = true)]
    [Description("Delete a campaign. Confirmed by the person first.")]
    public async Task<CallToolResult> DeleteCampaign(
        RequestContext<CallToolRequestParams> request,
        [Description("Campaign id.")] string campaign_id,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("campaign_id", campaign_id, errors);
        errors.ThrowIfAny();
        var campaign = await ReadAsync(campaign_id.Trim(), cancellationToken).ConfigureAwait(false);
        var summary = $"Delete campaign {IdentifierRules.Quote(campaign.Name)} (id {campaign.Id}, {campaign.Channel ?? "email"}, status {campaign.Status}) for good. It cannot be recovered.";
        if (await gate.ConfirmAsync(request, summary, cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        await KlaviyoCalls.SendAsync(klaviyo, "delete_campaign", campaign.Id, null, new ArgumentPointerMap(), cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(new JsonObject { ["id"] = campaign.Id, ["deleted"] = true }, ToolJsonContext.Default.JsonObject);
    }

    [ToolOperation("refresh_campaign_recipient_estimation")]
    [McpServerTool(Name = "estimate_campaign_recipients", Title = "Estimate recipients", ReadOnly = true)]
    [Description("Count a campaign's recipients.")]
    public async Task<CallToolResult> EstimateCampaignRecipients(
        RequestContext<CallToolRequestParams> request,
        [Description("Campaign id.")] string campaign_id,
        CancellationToken cancellationToken = default)
    {
        await using var progress = ToolProgress.For(request);
        var errors = new ArgumentErrors();
        TextRules.Required("campaign_id", campaign_id, errors);
        errors.ThrowIfAny();
        var count = await EstimateAsync(campaign_id.Trim(), progress.Reporter, cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(
            new JsonObject { ["campaign_id"] = campaign_id.Trim(), ["estimated_recipients"] = count },
            ToolJsonContext.Default.JsonObject);
    }

    [ToolOperation("send_campaign")]
    [McpServerTool(Name = "send_campaign", Title = "Send campaign", Destructive = true)]
    [Description("Send a draft. Confirmed by the person first: show them the summary.")]
    public async Task<CallToolResult> SendCampaign(
        RequestContext<CallToolRequestParams> request,
        [Description("Campaign id.")] string campaign_id,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        await using var progress = ToolProgress.For(request);
        var errors = new ArgumentErrors();
        TextRules.Required("campaign_id", campaign_id, errors);
        errors.ThrowIfAny();
        var campaign = await DraftAsync(campaign_id.Trim(), cancellationToken, forSend: true).ConfigureAwait(false);
        if (campaign.Included.Count == 0)
        {
            throw new ToolArgumentException("campaign_id", $"campaign {campaign.Id} has no audience; set audiences with update_campaign first", nothingSent: false);
        }

        string estimate;
        try
        {
            estimate = (await EstimateAsync(campaign.Id, progress.Reporter, cancellationToken).ConfigureAwait(false)).ToString("N0", CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is KlaviyoToolException or ToolFailureException)
        {
            estimate = "not available (the estimate failed)";
        }

        var summary = await SummaryAsync(campaign, estimate, cancellationToken).ConfigureAwait(false);
        if (await gate.ConfirmAsync(request, summary, cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        var job = await KlaviyoCalls.SendAsync(klaviyo, "send_campaign", null, KlaviyoCalls.Document("campaign-send-job", campaign.Id), new ArgumentPointerMap(("/data/id", "campaign_id")), cancellationToken).ConfigureAwait(false);
        var status = job.Data.ValueKind == JsonValueKind.Object && job.Data.TryGetProperty("attributes", out var a) && a.TryGetProperty("status", out var s) ? s.GetString() : null;
        return ToolResults.Success(
            new JsonObject
            {
                ["campaign_id"] = campaign.Id,
                ["send_job_status"] = status,
                ["summary"] = summary,
                ["note"] = "Klaviyo is sending or scheduling the campaign; get_campaign shows its status. cancel_campaign_send stops it.",
            },
            ToolJsonContext.Default.JsonObject);
    }

    [ToolOperation("cancel_campaign_send")]
    [McpServerTool(Name = "cancel_campaign_send", Title = "Cancel send", Destructive = true)]
    [Description("Stop a scheduled or sending campaign.")]
    public async Task<CallToolResult> CancelCampaignSend(
        RequestContext<CallToolRequestParams> request,
        [Description("Campaign id.")] string campaign_id,
        [Description("Back to draft.")] bool? revert = null,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("campaign_id", campaign_id, errors);
        errors.ThrowIfAny();
        var action = revert == true ? "revert" : "cancel";
        var summary = revert == true
            ? $"Stop sending campaign {IdentifierRules.Quote(campaign_id.Trim())} and put it back to draft."
            : $"Stop sending campaign {IdentifierRules.Quote(campaign_id.Trim())} for good: it cannot be sent again.";
        if (await gate.ConfirmAsync(request, summary, cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        await KlaviyoCalls.SendAsync(
            klaviyo, "cancel_campaign_send", campaign_id.Trim(),
            KlaviyoCalls.Document("campaign-send-job", campaign_id.Trim(), new JsonObject { ["action"] = action }),
            new ArgumentPointerMap(("/data/id", "campaign_id")), cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(
            new JsonObject
            {
                ["campaign_id"] = campaign_id.Trim(),
                ["action"] = action,
                ["note"] = action == "revert"
                    ? "The campaign is a draft again: edit it and send it again when ready."
                    : "The campaign is cancelled; messages already sent stay sent. clone_campaign makes an editable copy.",
            },
            ToolJsonContext.Default.JsonObject);
    }

    private static IReadOnlyList<(string Name, string? Value)> Email(string? subject, string? previewText, string? fromEmail, string? fromLabel, string? replyTo) =>
        [("subject", subject), ("preview_text", previewText), ("from_email", fromEmail), ("from_label", fromLabel), ("reply_to_email", replyTo)];

    private static JsonObject Audiences(List<Audience>? included, List<Audience>? excluded)
    {
        var result = new JsonObject();
        if (included is not null)
        {
            result["included"] = new JsonArray([.. included.Select(a => (JsonNode)a.Id)]);
        }

        if (excluded is not null)
        {
            result["excluded"] = new JsonArray([.. excluded.Select(a => (JsonNode)a.Id)]);
        }

        return result;
    }

    /// <summary>The send strategy, smart sending and tracking a create or an edit sets, each only when given.</summary>
    private static void SendSettings(JsonObject attributes, JsonObject? strategy, bool? useSmartSending, JsonObject? trackingOptions)
    {
        if (strategy is not null)
        {
            attributes["send_strategy"] = strategy;
        }

        if (useSmartSending is { } smart)
        {
            attributes["send_options"] = new JsonObject { ["use_smart_sending"] = smart };
        }

        if (trackingOptions is not null)
        {
            attributes["tracking_options"] = trackingOptions;
        }
    }

    private async Task<string?> TemplateIdAsync(string? templateId, string? templateName, CancellationToken cancellationToken)
    {
        var lookup = ToolCallDescriptor.Read("template_name lookup (get_templates)", "get_templates");
        return await names.ResolveAsync("template", "template_name", templateId, templateName, lookup,
            (query, ct) => KlaviyoCalls.ReadAsync(klaviyo, lookup, query, ct), cancellationToken).ConfigureAwait(false);
    }

    private Task AssignTemplateAsync(string messageId, string templateId, string? progress, CancellationToken cancellationToken) =>
        KlaviyoCalls.SendAsync(
            klaviyo, "assign_template_to_campaign_message", null,
            KlaviyoCalls.Document("campaign-message", messageId, relationships: new JsonObject
            {
                ["template"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "template", ["id"] = templateId } },
            }),
            new ArgumentPointerMap(("/data/relationships/template/data/id", "template_id")), cancellationToken, progress: progress);

    private async Task<CampaignState> ReadAsync(string campaignId, CancellationToken cancellationToken) =>
        CampaignState.From(await KlaviyoCalls.ReadAsync(klaviyo, "get_campaign", cancellationToken, campaignId, null, null, ("include", "campaign-messages")).ConfigureAwait(false));

    private async Task<CampaignState> DraftAsync(string campaignId, CancellationToken cancellationToken, bool forSend = false)
    {
        var campaign = await ReadAsync(campaignId, cancellationToken).ConfigureAwait(false);
        campaign.RequireDraft("campaign_id", forSend);
        return campaign;
    }

    private async Task<int> EstimateAsync(string campaignId, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var pointers = new ArgumentPointerMap(("/data/id", "campaign_id"));
        await KlaviyoCalls.SendAsync(klaviyo, "refresh_campaign_recipient_estimation", null, KlaviyoCalls.Document("campaign-recipient-estimation-job", campaignId), pointers, cancellationToken, "estimate_campaign_recipients").ConfigureAwait(false);
        await new JobPoller(time, polling).PollAsync(
            async (_, cancel) =>
            {
                var job = await KlaviyoCalls.ReadAsync(klaviyo, "get_campaign_recipient_estimation_job", cancel, campaignId, null, "estimate_campaign_recipients").ConfigureAwait(false);
                var status = job.Resource.TryGetProperty("attributes", out var a) && a.TryGetProperty("status", out var s) ? s.GetString() : null;
                return status == "cancelled"
                    ? throw new ToolFailureException($"Klaviyo cancelled the recipient estimation of campaign {campaignId}; try again later.")
                    : (status == "complete", status);
            },
            (status, _) => new ToolFailureException($"Klaviyo's recipient estimation of campaign {campaignId} was still {status ?? "running"} after {polling.MaxWait.TotalSeconds:0} s; call estimate_campaign_recipients again in a minute."),
            (attempt, status, waited) => progress?.Report(new ProgressNotificationValue { Progress = attempt, Message = $"Klaviyo is counting recipients ({status ?? "queued"}, {waited.TotalSeconds:0} s)" }),
            cancellationToken).ConfigureAwait(false);

        var estimate = await KlaviyoCalls.ReadAsync(klaviyo, "get_campaign_recipient_estimation", cancellationToken, campaignId, null, "estimate_campaign_recipients").ConfigureAwait(false);
        return estimate.Resource.TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty("estimated_recipient_count", out var count) && count.TryGetInt32(out var n)
            ? n
            : throw new ToolFailureException($"Klaviyo's recipient estimation of campaign {campaignId} had no estimated_recipient_count.");
    }

    private async Task<JsonObject> DescribeAsync(CampaignState campaign, CancellationToken cancellationToken)
    {
        var known = await resolver.DescribeAsync(campaign.Included.Concat(campaign.Excluded), cancellationToken).ConfigureAwait(false);
        JsonArray Named(IEnumerable<string> ids) => new([.. ids.Select(id => known.First(a => a.Id == id)).Select(a => (JsonNode)new JsonObject { ["id"] = a.Id, ["name"] = a.Name, ["type"] = a.Type })]);
        var result = new JsonObject
        {
            ["id"] = campaign.Id,
            ["name"] = campaign.Name,
            ["status"] = campaign.Status,
            ["channel"] = campaign.Channel,
            ["message_id"] = campaign.MessageId,
            ["audiences"] = new JsonObject { ["included"] = Named(campaign.Included), ["excluded"] = Named(campaign.Excluded) },
            ["send_strategy"] = campaign.SendStrategy?.DeepClone(),
        };
        return result;
    }

    private async Task<string> SummaryAsync(CampaignState campaign, string estimate, CancellationToken cancellationToken)
    {
        var known = await resolver.DescribeAsync(campaign.Included.Concat(campaign.Excluded), cancellationToken).ConfigureAwait(false);
        string Names(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => known.First(a => a.Id == id)).Select(a => $"{IdentifierRules.Quote(a.Name)} ({a.Type} {a.Id})"));
        var lines = new List<string>
        {
            $"SEND campaign {IdentifierRules.Quote(campaign.Name)} (id {campaign.Id}), {campaign.Channel ?? "email"}, to real people.",
            $"To: {Names(campaign.Included)}.",
            campaign.Excluded.Count > 0 ? $"Excluding: {Names(campaign.Excluded)}." : "Excluding: nobody.",
            $"Estimated recipients: {estimate}.",
            $"When: {campaign.When()}.",
        };
        lines.AddRange(campaign.ContentLines());
        return string.Join("\n", lines);
    }
}
