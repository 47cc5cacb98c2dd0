using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>--drafts-only</c>: everything can be drafted and previewed; nothing reaches people.</summary>
public sealed class DraftsOnlyTests
{
    [Fact]
    public async Task Sends_flows_going_live_and_destructive_operations_are_refused_and_nothing_is_sent()
    {
        using var stub = CampaignAuthoringToolsTests.Audiences(new KlaviyoStub())
            .Answer("POST", "/api/campaigns", 201, CampaignAuthoringToolsTests.CampaignBody())
            .Answer("GET", "/api/campaigns/C12345", 200, CampaignAuthoringToolsTests.CampaignBody());
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.DraftsOnlyVariable] = "true" });

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.DoesNotContain(tools, t => t.Name == "send_campaign");
        Assert.Contains(tools, t => t.Name == "create_campaign");

        (await mcp.CallAsync("create_campaign", """{"name":"Draft","audiences":["vip"]}""")).AssertSuccess();

        var send = await mcp.CallAsync("send_campaign", """{"campaign_id":"C12345"}""");
        var live = await mcp.CallAsync("update_flow_status", """{"id":"F1","status":"live"}""");
        var delete = await mcp.CallAsync("call_operation", """{"operation":"delete_tag","path_params":{"id":"T1"}}""");

        Assert.All([send, live, delete], r => Assert.True(r.IsError));
        Assert.DoesNotContain(stub.Requests, r => r.Path.StartsWith("/api/campaign-send-jobs", StringComparison.Ordinal) || r.Path.StartsWith("/api/flows", StringComparison.Ordinal) || r.Path.StartsWith("/api/tags", StringComparison.Ordinal));
    }
}
