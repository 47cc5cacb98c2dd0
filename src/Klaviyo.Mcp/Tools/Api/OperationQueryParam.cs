namespace Klaviyo.Mcp.Tools.Api;

/// <summary>One query parameter an operation declares.</summary>
public sealed record OperationQueryParam
{
    public required string Name { get; init; }

    public bool Required { get; init; }

    /// <summary>string, integer, list (comma-separated values or an array), filter or cursor.</summary>
    public required string Type { get; init; }

    public IReadOnlyList<string>? Allowed { get; init; }

    public int? Min { get; init; }

    public int? Max { get; init; }
}
