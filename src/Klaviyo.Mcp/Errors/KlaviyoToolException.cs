using Klaviyo.Client;
using Klaviyo.Mcp.Tools;

namespace Klaviyo.Mcp.Errors;

/// <summary>A Klaviyo failure seen by a tool, with what is needed to explain it in the tool's own terms.</summary>
public sealed class KlaviyoToolException(ToolCallDescriptor operation, KlaviyoException inner, string? progress = null) : Exception(inner.Message, inner)
{
    public ToolCallDescriptor Operation { get; } = operation;

    public KlaviyoException Failure { get; } = inner;

    /// <summary>For work done in several requests: what had already been done when this failure came.</summary>
    public string? Progress { get; } = progress;
}
