using System.Text.Json.Nodes;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

internal static class RequestAssertions
{
    /// <summary>The query parameters as sent, decoded, in order.</summary>
    public static List<(string Name, string Value)> Parameters(this RecordedRequest request) =>
        [.. request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            return (Uri.UnescapeDataString(pair[..at]), Uri.UnescapeDataString(pair[(at + 1)..]));
        })];

    public static string? Parameter(this RecordedRequest request, string name) =>
        request.Parameters().Where(p => p.Name == name).Select(p => p.Value).FirstOrDefault();

    public static JsonNode BodyJson(this RecordedRequest request) => JsonNode.Parse(request.Body!)!;

    /// <summary>Asserts the standard Klaviyo headers every request carries.</summary>
    public static void AssertKlaviyoHeaders(this RecordedRequest request)
    {
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, request.Header("Authorization"));
        Assert.Equal("2026-07-15", request.Header("revision"));
        Assert.Equal("application/vnd.api+json", request.Header("Accept"));
        if (request.Body is { Length: > 0 })
        {
            Assert.Equal("application/vnd.api+json", request.Header("Content-Type"));
        }
    }
}
