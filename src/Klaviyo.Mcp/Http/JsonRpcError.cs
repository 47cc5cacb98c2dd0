using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>The <c>error</c> member of a JSON-RPC answer.</summary>
internal sealed record JsonRpcError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);
