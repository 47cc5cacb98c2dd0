using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Manifest;

/// <summary>A prompt described by its manifest entry, whose function the SDK builds when the prompt is first asked for.</summary>
internal sealed class ManifestPrompt(Prompt protocolPrompt, Func<McpServerPrompt> createFunction) : McpServerPrompt
{
    private readonly Lazy<McpServerPrompt> _function = new(createFunction, LazyThreadSafetyMode.ExecutionAndPublication);

    public override Prompt ProtocolPrompt => protocolPrompt;

    public override IReadOnlyList<object> Metadata => _function.Value.Metadata;

    public override ValueTask<GetPromptResult> GetAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken = default) =>
        _function.Value.GetAsync(request, cancellationToken);
}
