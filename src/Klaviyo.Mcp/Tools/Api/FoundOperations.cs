namespace Klaviyo.Mcp.Tools.Api;

/// <summary>What find_operations returns, best match first.</summary>
public sealed record FoundOperations
{
    public required IReadOnlyList<FoundOperation> Items { get; init; }

    public string? Note { get; init; }
}
