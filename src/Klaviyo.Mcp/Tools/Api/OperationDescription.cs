using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Api;

/// <summary>What describe_operation returns: everything needed to call one operation right.</summary>
public sealed record OperationDescription
{
    public required string Operation { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Summary { get; init; }

    public required string Access { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    public required OperationRateLimit RateLimit { get; init; }

    public required IReadOnlyList<string> PathParams { get; init; }

    public required IReadOnlyList<OperationQueryParam> QueryParams { get; init; }

    public IReadOnlyList<OperationFilterField>? Filter { get; init; }

    public JsonElement? Body { get; init; }

    public JsonElement? ExampleBody { get; init; }

    public string? Note { get; init; }
}
