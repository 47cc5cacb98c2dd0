using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>A JSON-RPC error answer sent outside the MCP handler (a request refused before it reaches it); its id is null.</summary>
internal sealed record JsonRpcErrorResponse(
    [property: JsonPropertyName("error")] JsonRpcError Error)
{
    [JsonPropertyName("jsonrpc")]
    public string JsonRpc => "2.0";

    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Id => null;
}
