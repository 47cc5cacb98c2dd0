using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.OAuth;

/// <summary>Source-generated JSON for the authorization server: client metadata (unknown fields ignored: documents carry many) and the RFC 8414 document.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientMetadataDocument))]
[JsonSerializable(typeof(AuthorizationServerMetadata))]
[JsonSerializable(typeof(KlaviyoTokenResponse))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(PendingAuthorization))]
[JsonSerializable(typeof(ConsentTicket))]
[JsonSerializable(typeof(IssuedCode))]
[JsonSerializable(typeof(IssuedToken))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
