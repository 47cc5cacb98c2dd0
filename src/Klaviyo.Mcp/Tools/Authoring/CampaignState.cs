using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Authoring;

/// <summary>What the campaign authoring tools need of a campaign read from Klaviyo: status, audiences, send strategy and its message.</summary>
internal sealed record CampaignState(string Id, string Name, string Status, string? Channel, string? MessageId)
{
    public IReadOnlyList<string> Included { get; init; } = [];

    public IReadOnlyList<string> Excluded { get; init; } = [];

    public JsonObject? SendStrategy { get; init; }

    public JsonElement Message { get; init; }

    public static CampaignState From(JsonApiDocument document) => FromResource(document.Resource, document.Included);

    public static CampaignState FromResource(JsonElement resource, IEnumerable<JsonElement> included)
    {
        var attributes = resource.TryGetProperty("attributes", out var a) ? a : default;
        string? Text(string name) => attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var messageIds = resource.TryGetProperty("relationships", out var r) && r.TryGetProperty("campaign-messages", out var m) && m.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList()
            : [];
        var message = included.FirstOrDefault(x => x.TryGetProperty("type", out var t) && t.GetString() == "campaign-message" && (messageIds.Count == 0 || messageIds.Contains(x.GetProperty("id").GetString()!)));
        var audiences = attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("audiences", out var au) && au.ValueKind == JsonValueKind.Object ? au : default;
        List<string> Ids(string name) => audiences.ValueKind == JsonValueKind.Object && audiences.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(x => x.GetString()!)]
            : [];
        var strategy = attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("send_strategy", out var ss) && ss.ValueKind == JsonValueKind.Object
            ? JsonApiShaper.Compact(ss) as JsonObject
            : null;
        return new CampaignState(
            resource.TryGetProperty("id", out var id) ? id.GetString() ?? "" : "",
            Text("name") ?? "",
            Text("status") ?? "Unknown",
            message.ValueKind == JsonValueKind.Object ? ChannelOf(message) : null,
            messageIds.FirstOrDefault() ?? (message.ValueKind == JsonValueKind.Object ? message.GetProperty("id").GetString() : null))
        {
            Included = Ids("included"),
            Excluded = Ids("excluded"),
            SendStrategy = strategy,
            Message = message,
        };
    }

    public static string? ChannelOf(JsonElement message) =>
        message.TryGetProperty("attributes", out var a) && a.TryGetProperty("definition", out var d) && d.TryGetProperty("channel", out var c) ? c.GetString()
        : message.TryGetProperty("attributes", out var b) && b.TryGetProperty("channel", out var old) ? old.GetString()
        : null;

    public void RequireDraft(string argument, bool forSend = false)
    {
        if (Status != "Draft")
        {
            throw new ToolArgumentException(argument,
                $"campaign {Id} ({IdentifierRules.Quote(Name)}) is {Status}, not a draft: {(forSend ? "only a draft can be sent" : "only drafts can be edited")}" +
                (Status == "Scheduled" ? "; cancel_campaign_send with revert: true makes it a draft again" : Status.StartsWith("Sen", StringComparison.Ordinal) || Status.StartsWith("Cancel", StringComparison.Ordinal) ? "; clone_campaign makes an editable copy" : ""),
                nothingSent: false);
        }
    }

    public string When()
    {
        var method = SendStrategy?["method"]?.GetValue<string>() ?? "immediate";
        return method switch
        {
            "static" => $"at {SendStrategy!["datetime"]}" + (SendStrategy["options"]?["is_local"]?.GetValue<bool>() == true ? " in each recipient's time zone" : ""),
            "throttled" => $"from {SendStrategy!["datetime"]}, {SendStrategy["throttle_percentage"]}% of recipients an hour",
            "smart_send_time" => $"on {SendStrategy!["date"]} at each recipient's smart send time",
            _ => "immediately",
        };
    }

    public IEnumerable<string> ContentLines()
    {
        if (Message.ValueKind != JsonValueKind.Object || !Message.TryGetProperty("attributes", out var attributes))
        {
            yield return "Content: (no message)";
            yield break;
        }

        var content = attributes.TryGetProperty("definition", out var d) && d.TryGetProperty("content", out var c) ? c
            : attributes.TryGetProperty("content", out var old) ? old : default;
        string? Text(string name) => content.ValueKind == JsonValueKind.Object && content.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Channel == "sms")
        {
            yield return $"SMS text: {IdentifierRules.Quote(Text("body") ?? "(empty)")}";
            yield break;
        }

        yield return $"Subject: {(Text("subject") is { } subject ? "\"" + subject + "\"" : "(none)")}";
        if (Text("preview_text") is { } preview)
        {
            yield return $"Preview text: \"{preview}\"";
        }

        yield return $"From: {Text("from_label") ?? ""} <{Text("from_email") ?? "account default"}>";
    }
}
