using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// The MCP server options of <c>serve</c>, configured once. A stateless Streamable HTTP server asks for fresh options on
/// every request and the default factory would run every setup again each time: the SDK's, which adds each of the
/// tools, prompts and resources to a new collection, and ours. Here they run once, and each request gets a copy of the
/// result (its own object, which the SDK and <c>ConfigureSessionOptions</c> then change for that request alone) sharing
/// the collections, filters and handlers, which nothing changes once configured.
/// </summary>
internal sealed class ConfiguredOnceServerOptions(
    IEnumerable<IConfigureOptions<McpServerOptions>> setups,
    IEnumerable<IPostConfigureOptions<McpServerOptions>> postConfigures,
    IEnumerable<IValidateOptions<McpServerOptions>> validations) : IOptionsFactory<McpServerOptions>
{
    private readonly OptionsFactory<McpServerOptions> _factory = new(setups, postConfigures, validations);
    private McpServerOptions? _configured;

    public McpServerOptions Create(string name) =>
        name == Options.DefaultName ? Copy(LazyInitializer.EnsureInitialized(ref _configured, () => _factory.Create(name))) : _factory.Create(name);

    /// <summary>A copy of <paramref name="options"/>: every property of <see cref="McpServerOptions"/> (a test holds this list to the SDK's).</summary>
    public static McpServerOptions Copy(McpServerOptions options) => new()
    {
        ServerInfo = options.ServerInfo,
        Capabilities = options.Capabilities,
        ProtocolVersion = options.ProtocolVersion,
        InitializationTimeout = options.InitializationTimeout,
        ServerInstructions = options.ServerInstructions,
        ScopeRequests = options.ScopeRequests,
        KnownClientInfo = options.KnownClientInfo,
        KnownClientCapabilities = options.KnownClientCapabilities,
        Handlers = options.Handlers,
        Filters = options.Filters,
        ToolCollection = options.ToolCollection,
        ResourceCollection = options.ResourceCollection,
        PromptCollection = options.PromptCollection,
#pragma warning disable MCP9005, MCPEXP002 // Copied as they are, whatever they are worth: a copy leaves nothing out.
        MaxSamplingOutputTokens = options.MaxSamplingOutputTokens,
        RequestHandlers = options.RequestHandlers,
#pragma warning restore MCP9005, MCPEXP002
    };
}
