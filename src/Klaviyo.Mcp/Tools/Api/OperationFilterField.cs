namespace Klaviyo.Mcp.Tools.Api;

/// <summary>A field the operation's <c>filter</c> may use, with its operators and value type.</summary>
public sealed record OperationFilterField
{
    public required string Field { get; init; }

    public required IReadOnlyList<string> Operators { get; init; }

    public required string Type { get; init; }

    public IReadOnlyList<string>? Allowed { get; init; }
}
