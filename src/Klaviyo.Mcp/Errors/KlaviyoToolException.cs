using Klaviyo.Client;

namespace Klaviyo.Mcp.Errors;

/// <summary>A Klaviyo failure seen by a tool, with what is needed to explain it in the tool's own terms.</summary>
public sealed class KlaviyoToolException(KlaviyoOperation operation, KlaviyoException inner) : Exception(inner.Message, inner)
{
    public KlaviyoOperation Operation { get; } = operation;

    public KlaviyoException Failure { get; } = inner;
}
