using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>--drafts-only</c>: everything can be drafted and previewed; nothing irreversible, nothing reaches people.</summary>
public sealed class DraftsOnlyTests
{
    private static readonly Dictionary<string, string?> s_draftsOnly = new() { [ServerSettings.DraftsOnlyVariable] = "true" };

    [Fact]
    public async Task Sends_flows_going_live_and_destructive_operations_are_refused_and_nothing_is_sent()
    {
        using var stub = CampaignAuthoringToolsTests.Audiences(new KlaviyoStub())
            .Answer("POST", "/api/campaigns", 201, CampaignAuthoringToolsTests.CampaignBody())
            .Answer("GET", "/api/campaigns/C12345", 200, CampaignAuthoringToolsTests.CampaignBody());
        await using var mcp = await McpHarness.StartAsync(stub, s_draftsOnly);

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

    [Theory]
    [InlineData("delete_list", """{"id":"L1"}""")]
    [InlineData("delete_campaign", """{"campaign_id":"C1"}""")]
    [InlineData("delete_template", """{"template_id":"T1"}""")]
    [InlineData("remove_profiles_from_list", """{"list_id":"L1","profile_ids":["P1"]}""")]
    [InlineData("unsubscribe_profiles", """{"profiles":[{"email":"a@b.example"}]}""")]
    [InlineData("suppress_profiles", """{"emails":["a@b.example"]}""")]
    [InlineData("cancel_campaign_send", """{"campaign_id":"C1"}""")]
    public async Task Deletes_unsubscribes_and_suppressions_are_not_offered_and_refused_when_called(string tool, string arguments)
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, s_draftsOnly);

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var refused = await mcp.CallAsync(tool, arguments);

        Assert.DoesNotContain(tools, t => t.Name == tool);
        Assert.True(refused.IsError);
        Assert.Contains("drafts-only mode", refused.Text(), StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Only_call_operation_among_the_listed_tools_is_destructive_and_it_refuses_destructive_operations()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, s_draftsOnly);

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var description = (await mcp.CallAsync("describe_operation", """{"operation":"bulk_suppress_profiles"}""")).AssertSuccess();

        Assert.Equal(["call_operation"], tools.Where(t => t.ProtocolTool.Annotations?.DestructiveHint == true).Select(t => t.Name));
        Assert.Equal("destructive (refused here)", description.StructuredContent!.Value.GetProperty("access").GetString());
        Assert.Contains("This server drafts only", mcp.Client.ServerInstructions, StringComparison.Ordinal);
        Assert.DoesNotContain("delete_list", mcp.Client.ServerInstructions, StringComparison.Ordinal);
    }
}
