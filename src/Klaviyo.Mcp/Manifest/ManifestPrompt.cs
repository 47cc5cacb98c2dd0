using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Manifest;

/// <summary>
/// A prompt described by its manifest entry, whose function the SDK builds when the prompt is first asked for; it
/// carries the tools its text tells the agent to call (<see cref="Prompts.PromptToolsAttribute"/>).
/// </summary>
internal sealed class ManifestPrompt(Prompt protocolPrompt, IReadOnlyList<string> tools, Func<McpServerPrompt> createFunction) : McpServerPrompt
{
    private readonly Lazy<McpServerPrompt> _function = new(createFunction, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The tools the prompt tells the agent to call.</summary>
    public IReadOnlyList<string> Tools => tools;

    public override Prompt ProtocolPrompt => protocolPrompt;

    public override IReadOnlyList<object> Metadata => _function.Value.Metadata;

    public override ValueTask<GetPromptResult> GetAsync(RequestContext<GetPromptRequestParams> request, CancellationToken cancellationToken = default) =>
        _function.Value.GetAsync(request, cancellationToken);
}
