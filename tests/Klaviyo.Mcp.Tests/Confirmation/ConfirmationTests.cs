using System.Text.Json;
using Klaviyo.Testing;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

public sealed class ConfirmationTests
{
    private static readonly Dictionary<string, string?> s_confirm = new() { [ServerSettings.ConfirmVariable] = "true" };

    [Fact]
    public async Task Without_elicitation_a_token_is_issued_accepted_once_and_bound_to_the_arguments()
    {
        using var stub = new KlaviyoStub().Answer("DELETE", "/api/lists/L1", 204).Answer("DELETE", "/api/lists/L2", 204);
        await using var mcp = await McpHarness.StartAsync(stub, s_confirm);

        var first = (await mcp.CallAsync("delete_list", """{"id":"L1"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Empty(stub.Requests);
        var token = first.GetProperty("confirmation_token").GetString()!;
        Assert.Contains("L1", first.GetProperty("summary").GetString());

        var other = await mcp.CallAsync("delete_list", $$"""{"id":"L2","confirmation_token":"{{token}}"}""");
        Assert.True(other.IsError);
        Assert.Contains("does not match this call", other.Text());
        Assert.Empty(stub.Requests);

        (await mcp.CallAsync("delete_list", $$"""{"id":"L1","confirmation_token":"{{token}}"}""")).AssertSuccess();
        Assert.Single(stub.Requests);

        var reused = await mcp.CallAsync("delete_list", $$"""{"id":"L1","confirmation_token":"{{token}}"}""");
        Assert.True(reused.IsError);
        Assert.Contains("already used", reused.Text());
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData("accept", true, true)]
    [InlineData("accept", false, false)]
    [InlineData("decline", false, false)]
    [InlineData("cancel", false, false)]
    public async Task With_elicitation_only_an_accepted_confirm_true_proceeds(string action, bool confirm, bool sent)
    {
        using var stub = new KlaviyoStub().Answer("DELETE", "/api/lists/L1", 204);
        string? asked = null;
        await using var mcp = await McpHarness.StartAsync(stub, s_confirm, elicitation: (request, _) =>
        {
            asked = request!.Message;
            return ValueTask.FromResult(new ElicitResult
            {
                Action = action,
                Content = action == "accept" ? new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(confirm) } : null,
            });
        });

        var result = (await mcp.CallAsync("delete_list", """{"id":"L1"}""")).AssertSuccess();
        Assert.Contains("Delete list \"L1\"", asked);
        Assert.Equal(sent ? 1 : 0, stub.Requests.Count);
        if (!sent)
        {
            Assert.False(result.StructuredContent!.Value.GetProperty("confirmed").GetBoolean());
        }
    }

    /// <summary>
    /// Which tools ask follows from the catalogue: every curated tool whose operation is destructive asks before sending,
    /// with confirmation on, and sends nothing until the person says yes.
    /// </summary>
    [Theory]
    [InlineData("delete_list", """{"id":"L1"}""")]
    [InlineData("remove_profiles_from_list", """{"list_id":"L1","profile_ids":["P1"]}""")]
    [InlineData("cancel_campaign_send", """{"campaign_id":"C1"}""")]
    [InlineData("update_flow_status", """{"id":"F1","status":"manual"}""")]
    [InlineData("unsubscribe_profiles", """{"profiles":[{"email":"a@b.example"}],"channels":["email"],"list_id":"L1"}""")]
    [InlineData("suppress_profiles", """{"emails":["a@b.example"]}""")]
    public async Task Every_tool_whose_operation_is_destructive_asks_first(string tool, string arguments)
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, s_confirm);

        var result = (await mcp.CallAsync(tool, arguments)).AssertSuccess().StructuredContent!.Value;

        Assert.True(result.GetProperty("confirmation_required").GetBoolean());
        Assert.DoesNotContain(stub.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task The_call_path_sends_nothing_destructive_that_was_not_confirmed()
    {
        var descriptor = new Klaviyo.Mcp.Tools.ToolCallDescriptor("delete_list", "delete_list", new Klaviyo.Mcp.Errors.ArgumentPointerMap());
        var reads = Klaviyo.Mcp.Tools.ToolCallDescriptor.Read("get_lists", "get_lists");
        var sent = 0;
        Task<int> Send() => Task.FromResult(++sent);

        Klaviyo.Mcp.Confirmation.ConfirmationScope.Begin();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Klaviyo.Mcp.Tools.KlaviyoCalls.RunAsync(descriptor, Send));
        await Klaviyo.Mcp.Tools.KlaviyoCalls.RunAsync(reads, Send);

        Assert.Contains("without asking the person; nothing was sent", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, sent);
    }

    [Fact]
    public async Task A_client_that_fails_to_ask_the_person_gets_no_token_and_nothing_is_sent()
    {
        using var stub = new KlaviyoStub().Answer("DELETE", "/api/lists/L1", 204);

        // A 2025 client over stdio: the server asks with elicitation/create, and the client answers with an error. The SDK
        // fails the call (or the gate declines it): either way no token the agent could redeem alone, and nothing sent.
        await using var mcp = await McpHarness.StartAsync(stub, s_confirm, elicitation: (_, _) => throw new InvalidOperationException("the dialog was closed"), protocolVersion: "2025-06-18");

        try
        {
            var result = await mcp.CallAsync("delete_list", """{"id":"L1"}""");
            Assert.False(result.StructuredContent is { } content && content.TryGetProperty("confirmation_token", out _));
        }
        catch (ModelContextProtocol.McpException)
        {
            // The call failed: nothing to redeem.
        }

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_token_for_a_body_does_not_confirm_the_body_with_a_nested_null_added()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/profile-suppression-bulk-create-jobs", 202);
        await using var mcp = await McpHarness.StartAsync(stub, s_confirm);
        const string Body = """{"data":{"type":"profile-suppression-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@b.example"}}]}}}}""";
        const string WithNull = """{"data":{"type":"profile-suppression-bulk-create-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"a@b.example","phone_number":null}}]}}}}""";

        var token = (await mcp.CallAsync("call_operation", $$"""{"operation":"bulk_suppress_profiles","body":{{Body}}}""")).AssertSuccess().StructuredContent!.Value.GetProperty("confirmation_token").GetString();
        var other = await mcp.CallAsync("call_operation", $$"""{"operation":"bulk_suppress_profiles","body":{{WithNull}},"confirmation_token":"{{token}}"}""");

        Assert.True(other.IsError);
        Assert.Empty(stub.Requests);
    }
}
