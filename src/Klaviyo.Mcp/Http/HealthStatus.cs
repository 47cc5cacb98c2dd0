using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.Http;

/// <summary>What <c>GET /healthz</c> answers: that the replica is up, and its version. Nothing secret, nothing about callers.</summary>
internal sealed record HealthStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version);
