using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Manifest;

/// <summary>
/// A tool described by its manifest entry, whose function the SDK builds on the tool's first call. Building all of them up front
/// (the SDK derives every parameter's JSON schema through reflection) was four fifths of the Native AOT cold start.
/// </summary>
internal sealed class ManifestTool(Tool protocolTool, Func<McpServerTool> createFunction) : McpServerTool
{
    private readonly Lazy<McpServerTool> _function = new(createFunction, LazyThreadSafetyMode.ExecutionAndPublication);

    public override Tool ProtocolTool => protocolTool;

    public override IReadOnlyList<object> Metadata => _function.Value.Metadata;

    public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default) =>
        _function.Value.InvokeAsync(request, cancellationToken);
}
