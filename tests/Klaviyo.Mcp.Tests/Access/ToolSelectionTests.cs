using Klaviyo.Testing;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Tests;

public sealed class ToolSelectionTests
{
    [Fact]
    public async Task Every_tool_the_server_offers_is_in_exactly_one_toolset()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var offered = (await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(offered, Toolsets.ToolNames.Order(StringComparer.Ordinal));
        Assert.Equal(Toolsets.ToolNames.Count(), Toolsets.ToolNames.Distinct().Count());
    }

    [Fact]
    public async Task Toolsets_and_tools_choose_what_is_listed_and_callable()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 200, """{"data":[{"type":"account","id":"A1","attributes":{"timezone":"UTC"}}]}""");
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "events", [ServerSettings.ToolsVariable] = "get_account" });

        var listed = (await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["bulk_create_events", "create_event", "get_account", "get_event", "get_events", "import_events"], listed);

        (await mcp.CallAsync("get_account", "{}")).AssertSuccess();
        var refused = await mcp.CallAsync("get_lists", "{}");
        Assert.True(refused.IsError);
        Assert.Contains("get_lists is not enabled on this server", refused.Text());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Read_only_mode_hides_write_tools_and_refuses_them_when_called_anyway()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ReadOnlyVariable] = "true" });

        var listed = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEmpty(listed);
        Assert.All(listed, t => Assert.True(t.ProtocolTool.Annotations?.ReadOnlyHint));
        Assert.DoesNotContain(listed, t => t.Name == "create_event");

        var refused = await mcp.CallAsync("create_event", """{"metric":{"name":"A"},"profile":{"email":"a@b.co"}}""");
        Assert.True(refused.IsError);
        Assert.Contains("read-only mode", refused.Text());
        Assert.Empty(stub.Requests);
    }

    [Theory]
    [InlineData(new[] { "--read-only", "--toolsets", "events,lists", "--tools=get_account" }, "true", "events,lists", "get_account", null)]
    [InlineData(new[] { "--toolsets" }, null, null, null, "--toolsets needs a comma-separated list")]
    [InlineData(new[] { "--verbose" }, null, null, null, "unknown option \"--verbose\"")]
    public void The_command_line_sets_the_same_switches_as_the_environment(string[] args, string? readOnly, string? toolsets, string? tools, string? error)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal(error, parsed.Error);
        Assert.Equal(readOnly, parsed.Overrides.GetValueOrDefault(ServerSettings.ReadOnlyVariable));
        Assert.Equal(toolsets, parsed.Overrides.GetValueOrDefault(ServerSettings.ToolsetsVariable));
        Assert.Equal(tools, parsed.Overrides.GetValueOrDefault(ServerSettings.ToolsVariable));
        Assert.True(CommandLine.Parse(["--help"]).Help);
        Assert.True(CommandLine.Parse(["--version"]).Version);
    }

    [Fact]
    public void Usage_names_every_toolset_and_API_area_in_lines_a_terminal_shows_whole()
    {
        var usage = CommandLine.Usage.ReplaceLineEndings("\n");
        var listed = usage[usage.IndexOf("--toolsets LIST", StringComparison.Ordinal)..usage.IndexOf("--tools LIST", StringComparison.Ordinal)]
            .Split([',', ' ', '\n', ':', '(', ')'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        Assert.All(Toolsets.Names, name => Assert.True(listed.Contains(name), $"--help does not name the toolset {name}"));
        Assert.All(usage.Split('\n'), line => Assert.True(line.Length <= 120, $"a --help line is {line.Length} characters long: {line}"));
    }

    [Fact]
    public void Unknown_toolsets_and_tools_are_startup_errors_that_list_the_valid_names()
    {
        var failure = Assert.Throws<ServerConfigurationException>(() => ServerSettings.Read(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "events,emails", [ServerSettings.ToolsVariable] = "send_email", [ServerSettings.ReadOnlyVariable] = "maybe" })
            .Build()));

        Assert.Contains(failure.Problems, p => p.Contains("unknown toolset \"emails\"; the toolsets are accounts, api, campaigns, catalogs", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("unknown tool \"send_email\"; the tools are add_profiles_to_list", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.StartsWith("KLAVIYO_READ_ONLY:", StringComparison.Ordinal));
    }
}
