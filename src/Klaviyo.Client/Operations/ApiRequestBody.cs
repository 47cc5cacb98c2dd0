using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>
/// An operation's request body: how it is sent and its compact JSON Schema (draft 2020-12). The schema has no
/// descriptions or examples; every object schema that lists its properties is closed (<c>additionalProperties: false</c>);
/// OpenAPI's <c>nullable</c> is written as a <c>null</c> type; <c>oneOf</c> is read as <c>anyOf</c>; and <c>$ref</c>s
/// point into the catalogue's shared definitions as <c>#/$defs/Name</c>. <see cref="ApiOperation.DisplaySchema"/> is
/// the same schema with the references resolved, for people and models to read.
/// </summary>
public sealed record ApiRequestBody
{
    public required RequestContentType ContentType { get; init; }

    /// <summary>The spec's name for the schema, e.g. <c>ProfileCreateQuery</c>.</summary>
    public string? SchemaName { get; init; }

    public required JsonElement Schema { get; init; }
}
