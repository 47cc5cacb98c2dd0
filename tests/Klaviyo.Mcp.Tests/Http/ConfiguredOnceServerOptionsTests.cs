using System.Reflection;
using Klaviyo.Mcp.Http;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tests;

public sealed class ConfiguredOnceServerOptionsTests
{
    [Fact]
    public void The_setups_run_once_and_each_request_gets_its_own_copy()
    {
        var runs = 0;
        var setup = new ConfigureNamedOptions<McpServerOptions>(Options.DefaultName, options =>
        {
            runs++;
            options.ServerInstructions = "configured";
            options.ToolCollection = [];
        });
        var factory = new ConfiguredOnceServerOptions([setup], [], []);

        var first = factory.Create(Options.DefaultName);
        first.ServerInstructions = "for the first caller";
        var second = factory.Create(Options.DefaultName);

        Assert.Equal(1, runs);
        Assert.NotSame(first, second);
        Assert.Equal("configured", second.ServerInstructions);
        Assert.Same(first.ToolCollection, second.ToolCollection);
    }

    [Fact]
    public void A_copy_carries_every_property_of_the_SDKs_options()
    {
        var properties = typeof(McpServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);
#pragma warning disable MCP9005, MCPEXP002
        var original = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "n", Version = "1" },
            Capabilities = new ServerCapabilities(),
            ProtocolVersion = "2025-06-18",
            InitializationTimeout = TimeSpan.FromSeconds(7),
            ServerInstructions = "i",
            ScopeRequests = false,
            KnownClientInfo = new Implementation { Name = "c", Version = "2" },
            KnownClientCapabilities = new ClientCapabilities(),
            Handlers = new McpServerHandlers(),
            Filters = new McpServerFilters(),
            ToolCollection = [],
            ResourceCollection = [],
            PromptCollection = [],
            MaxSamplingOutputTokens = 17,
            RequestHandlers = [],
        };
#pragma warning restore MCP9005, MCPEXP002

        var copy = ConfiguredOnceServerOptions.Copy(original);

        // A property the SDK adds shows here first: copy it in ConfiguredOnceServerOptions.Copy, then set it above.
        Assert.Equal(
            ["Capabilities", "Filters", "Handlers", "InitializationTimeout", "KnownClientCapabilities", "KnownClientInfo", "MaxSamplingOutputTokens",
             "PromptCollection", "ProtocolVersion", "RequestHandlers", "ResourceCollection", "ScopeRequests", "ServerInfo", "ServerInstructions", "ToolCollection"],
            properties.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(properties, p => Assert.Equal(p.GetValue(original), p.GetValue(copy)));
        Assert.All(properties.Where(p => !p.PropertyType.IsValueType && p.PropertyType != typeof(string)), p => Assert.NotNull(p.GetValue(copy)));
    }
}
