namespace Klaviyo.Mcp.Output;

/// <summary>The most bytes one tool result may take (default 80,000, about 20,000 tokens).</summary>
public sealed record ResultBudget(int MaxBytes)
{
    public const int DefaultMaxBytes = 80_000;
}
