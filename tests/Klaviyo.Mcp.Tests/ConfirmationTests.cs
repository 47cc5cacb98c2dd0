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
        Assert.Contains("Delete list L1", asked);
        Assert.Equal(sent ? 1 : 0, stub.Requests.Count);
        if (!sent)
        {
            Assert.False(result.StructuredContent!.Value.GetProperty("confirmed").GetBoolean());
        }
    }
}
