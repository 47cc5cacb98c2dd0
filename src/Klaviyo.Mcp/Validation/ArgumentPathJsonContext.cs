using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Validation;

/// <summary>Source-generated JSON for quoting keys in argument paths.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class ArgumentPathJsonContext : JsonSerializerContext;
