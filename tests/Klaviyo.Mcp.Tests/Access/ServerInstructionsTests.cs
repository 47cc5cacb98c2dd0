using System.Text.RegularExpressions;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>The instructions an agent reads at initialize name exactly the tools the server offers, under their API areas.</summary>
public sealed class ServerInstructionsTests
{
    [Fact]
    public async Task The_instructions_name_every_offered_tool_under_its_area_and_nothing_else()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ConfirmVariable] = "true" });

        var instructions = mcp.Client.ServerInstructions!;
        var offered = (await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).ToList();

        foreach (var (toolset, tools) in Toolsets.All.Where(t => t.Key != Toolsets.Api))
        {
            var area = Toolsets.Areas.Single(a => a.Value == toolset).Key;
            Assert.Contains($" {area}: {string.Join(", ", tools)}.", instructions);
        }

        Assert.Equal(offered.Order(StringComparer.Ordinal), ToolNames(instructions).Order(StringComparer.Ordinal));
        Assert.Contains("wait for the person's confirmation", instructions);
    }

    [Fact]
    public async Task A_narrowed_server_names_only_what_it_offers()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "events,lists" });

        var instructions = mcp.Client.ServerInstructions!;

        Assert.Equal(
            ["add_profiles_to_list", "bulk_create_events", "create_event", "create_list", "delete_list", "get_event", "get_events", "get_list", "get_lists", "get_profiles_for_list", "import_events", "remove_profiles_from_list", "update_list"],
            ToolNames(instructions).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("call_operation", instructions);
        Assert.Contains("list_name works wherever list_id does", instructions);
        Assert.DoesNotContain("confirmation", instructions);
    }

    [Theory]
    [InlineData("campaigns")]
    [InlineData("templates")]
    [InlineData("api")]
    [InlineData("events")]
    public async Task Each_toolset_alone_names_exactly_its_tools(string toolset)
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = toolset });

        var offered = (await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name);

        Assert.Equal(offered.Order(StringComparer.Ordinal), ToolNames(mcp.Client.ServerInstructions!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Only_call_operation_offered_names_only_call_operation()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsVariable] = "call_operation" });

        Assert.Equal(["call_operation"], ToolNames(mcp.Client.ServerInstructions!));
    }

    [Fact]
    public async Task A_read_only_server_says_so_and_names_only_reads()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ReadOnlyVariable] = "true", [ServerSettings.ConfirmVariable] = "true" });

        var instructions = mcp.Client.ServerInstructions!;
        var offered = (await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).ToList();

        Assert.Contains("This server is read-only", instructions);
        Assert.Equal(offered.Order(StringComparer.Ordinal), ToolNames(instructions).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("create_event", instructions);
        Assert.DoesNotContain("confirmation", instructions);
    }

    /// <summary>The tool names the instructions mention: the server's tool names that appear as whole words.</summary>
    private static IEnumerable<string> ToolNames(string instructions) =>
        Toolsets.ToolNames.Where(name => Regex.IsMatch(instructions, $@"(?<![a-z_]){name}(?![a-z_])"));
}
