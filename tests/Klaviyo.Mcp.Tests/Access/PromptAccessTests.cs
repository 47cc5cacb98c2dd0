using System.Text.RegularExpressions;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

public sealed class PromptAccessTests
{
    [Theory]
    [InlineData(null, new[] { "flow_health_check", "weekly_performance_review" })]
    [InlineData("accounts,reporting", new[] { "weekly_performance_review" })]
    [InlineData("flows,reporting", new[] { "flow_health_check" })]
    [InlineData("events,lists", new string[0])]
    public async Task A_prompt_is_offered_only_to_a_caller_who_may_use_every_tool_it_names(string? toolsets, string[] offered)
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = toolsets });

        var prompts = await mcp.Client.ListPromptsAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(offered, prompts.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Asking_for_a_prompt_whose_tools_are_not_offered_says_which_tool_and_why()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "accounts,flows" });

        var refused = await Assert.ThrowsAsync<McpProtocolException>(() =>
            mcp.Client.GetPromptAsync("flow_health_check", cancellationToken: TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("The prompt flow_health_check uses query_flow_values, which this caller may not use", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--toolsets", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_prompt_declares_exactly_the_tools_its_text_names()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);
        var tools = (await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var listed in await mcp.Client.ListPromptsAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            var prompt = await mcp.Client.GetPromptAsync(listed.Name, cancellationToken: TestContext.Current.CancellationToken);
            var text = string.Concat(prompt.Messages.Select(m => (m.Content as TextContentBlock)?.Text));
            var named = Regex.Matches(text, "[a-z_]+").Select(m => m.Value).Where(tools.Contains).ToHashSet(StringComparer.Ordinal);

            var manifest = Assert.IsType<Manifest.ManifestPrompt>(Assert.Single(mcp.Services.GetServices<ModelContextProtocol.Server.McpServerPrompt>(), p => p.ProtocolPrompt.Name == listed.Name));
            Assert.Equal(named.Order(StringComparer.Ordinal), manifest.Tools.Order(StringComparer.Ordinal));
        }
    }
}
