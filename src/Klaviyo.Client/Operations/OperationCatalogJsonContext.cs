using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>Source-generated JSON for the operation catalogue file: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(OperationCatalogFile))]
[JsonSerializable(typeof(ApiOperation))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class OperationCatalogJsonContext : JsonSerializerContext;
