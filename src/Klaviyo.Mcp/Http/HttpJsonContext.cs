using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>Source-generated JSON for serve: the tokens file (unknown fields refused, so a typo is not a silent no-op) and the small endpoints.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(TeamTokensDocument))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(AuthenticationError))]
[JsonSerializable(typeof(ProtectedResourceMetadata))]
[JsonSerializable(typeof(JsonRpcErrorResponse))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
