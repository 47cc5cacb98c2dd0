using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Errors;

namespace Klaviyo.Mcp.Tools.Reporting;

/// <summary>
/// Looks up the names of the campaigns or flows a report names by id, in batches (<c>any(id,[...])</c>), never one
/// request per row. Campaigns need a channel filter, so they are looked up per channel.
/// </summary>
public sealed class ReportNames(KlaviyoClient klaviyo)
{
    private const int FlowsPerLookup = 50;
    private const int CampaignsPerLookup = 100;

    public async Task<Dictionary<string, string>> FlowsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>();
        foreach (var batch in ids.Distinct().Chunk(FlowsPerLookup))
        {
            var query = new KlaviyoQuery().Filter(new KlaviyoFilter().Any("id", batch).ToString()).Fields("flow", ["name"]);
            var page = await KlaviyoCalls.RunAsync(ToolCallDescriptor.Read("flow name lookup (get_flows)", "get_flows"), () => klaviyo.GetFlowsAsync(query, cancellationToken)).ConfigureAwait(false);
            Collect(page.Resources, names);
        }

        return names;
    }

    public async Task<Dictionary<string, string>> CampaignsAsync(IReadOnlyCollection<(string Id, string Channel)> campaigns, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>();
        foreach (var channel in campaigns.GroupBy(c => c.Channel))
        {
            foreach (var batch in channel.Select(c => c.Id).Distinct().Chunk(CampaignsPerLookup))
            {
                var query = new KlaviyoQuery()
                    .Filter(new KlaviyoFilter().Equal("messages.channel", channel.Key).Any("id", batch).ToString())
                    .Fields("campaign", ["name"]);
                var page = await KlaviyoCalls.RunAsync(ToolCallDescriptor.Read("campaign name lookup (get_campaigns)", "get_campaigns"), () => klaviyo.GetCampaignsAsync(query, cancellationToken)).ConfigureAwait(false);
                Collect(page.Resources, names);
            }
        }

        return names;
    }

    /// <summary>The campaigns channel a report's send_channel belongs to.</summary>
    public static string CampaignChannel(string? sendChannel) => sendChannel switch
    {
        "sms" => "sms",
        "push-notification" or "mobile_push" => "mobile_push",
        _ => "email",
    };

    private static void Collect(IEnumerable<JsonElement> resources, Dictionary<string, string> names)
    {
        foreach (var resource in resources)
        {
            if (resource.TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty("name", out var name) && name.GetString() is { } text)
            {
                names[resource.GetProperty("id").GetString()!] = text;
            }
        }
    }
}
