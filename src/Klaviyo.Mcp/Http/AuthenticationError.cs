using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>The body of a 401 (RFC 6750's error codes), beside the <c>WWW-Authenticate</c> header that points to the resource metadata.</summary>
internal sealed record AuthenticationError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string Description);
