using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for <c>/mcp</c>: where it is and that it takes a bearer token in
/// the Authorization header. No authorization server is listed yet: tokens are handed out by whoever runs the server.
/// </summary>
internal sealed record ProtectedResourceMetadata(
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("resource_name")] string ResourceName,
    [property: JsonPropertyName("bearer_methods_supported")] string[] BearerMethodsSupported);
