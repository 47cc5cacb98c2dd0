using System.Net;
using System.Text;
using System.Text.Json;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Tests;

/// <summary>serve refuses what a foreign web page makes a browser send (DNS rebinding), before authentication.</summary>
[Trait("Category", "Http")]
public sealed class OriginValidationTests
{
    private static readonly Dictionary<string, string?> s_keys = new() { [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true" };

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("http://localhost:6274", HttpStatusCode.OK)]
    [InlineData("http://127.0.0.1", HttpStatusCode.OK)]
    [InlineData("https://[::1]:8443", HttpStatusCode.OK)]
    [InlineData("http://evil.example.com", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost.evil.example.com", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    public async Task On_loopback_only_loopback_origins_or_none_are_allowed(string? origin, HttpStatusCode expected)
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, s_keys);

        using var response = await PostAsync(server.McpUrl, origin: origin);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal("2.0", body.GetProperty("jsonrpc").GetString());
            Assert.Contains("not allowed", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_before_authentication_and_the_public_and_listed_origins_are_allowed()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?>(s_keys)
        {
            [HttpServeSettings.PublicUrlVariable] = "https://mcp.example.com",
            [HttpServeSettings.AllowedOriginsVariable] = "https://app.example.com, https://inspector.example.com:8443",
        });

        using var foreignWithoutToken = await PostAsync(server.McpUrl, origin: "http://evil.example.com", bearer: null);
        using var publicOrigin = await PostAsync(server.McpUrl, origin: "https://mcp.example.com");
        using var listed = await PostAsync(server.McpUrl, origin: "https://APP.example.com:443");
        using var listedOtherPort = await PostAsync(server.McpUrl, origin: "https://inspector.example.com");
        using var publicHost = await PostAsync(server.McpUrl, origin: null, host: "mcp.example.com");

        Assert.Equal(HttpStatusCode.Forbidden, foreignWithoutToken.StatusCode);
        Assert.False(foreignWithoutToken.Headers.Contains("WWW-Authenticate"));
        Assert.Equal(HttpStatusCode.OK, publicOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listedOtherPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, publicHost.StatusCode);
        Assert.Empty(stub.Requests);
    }

    [Theory]
    [InlineData("evil.example.com")]
    [InlineData("rebound.example.com:8080")]
    public async Task On_loopback_a_foreign_host_is_refused(string host)
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, s_keys);

        using var response = await PostAsync(server.McpUrl, origin: null, host: host);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Health_is_not_an_mcp_request_and_stays_open()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, s_keys);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "/healthz"));
        request.Headers.TryAddWithoutValidation("Origin", "http://evil.example.com");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Origins_that_are_not_origins_are_startup_errors()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(s_keys)
        {
            [HttpServeSettings.AllowedOriginsVariable] = "https://ok.example.com,ftp://files.example.com,https://app.example.com/path",
        }).Build();

        var failure = Assert.Throws<ServerConfigurationException>(() => HttpServeSettings.Read(configuration, ServerSettings.Read(configuration)));

        Assert.Equal(2, failure.Problems.Count(p => p.StartsWith(HttpServeSettings.AllowedOriginsVariable, StringComparison.Ordinal)));
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri mcp, string? origin, string? bearer = KlaviyoStub.ApiKey, string? host = null)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, mcp)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
