namespace Klaviyo.Mcp.Tools.Api;

/// <summary>One operation that find_operations matched.</summary>
public sealed record FoundOperation
{
    public required string Operation { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Summary { get; init; }

    /// <summary>read, write or destructive; with " (refused here)" when this server would not call it.</summary>
    public required string Access { get; init; }
}
