using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>The shape of <c>operations.json</c>: the operations, and the compact schemas their bodies refer to.</summary>
internal sealed record OperationCatalogFile
{
    public required string Revision { get; init; }

    public required IReadOnlyList<ApiOperation> Operations { get; init; }

    /// <summary>An object of compact schemas by the spec's schema name.</summary>
    public required JsonElement Definitions { get; init; }
}
