using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for <c>/mcp</c>: where it is and that it takes a bearer token in
/// the Authorization header. With <c>KLAVIYO_HTTP_AUTH=oidc</c> it names the issuer as the authorization server and the
/// scopes; in the other modes no authorization server is listed: tokens are handed out by whoever runs the server.
/// </summary>
internal sealed record ProtectedResourceMetadata(
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("resource_name")] string ResourceName,
    [property: JsonPropertyName("bearer_methods_supported")] string[] BearerMethodsSupported,
    [property: JsonPropertyName("authorization_servers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? AuthorizationServers = null,
    [property: JsonPropertyName("scopes_supported"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? ScopesSupported = null);
