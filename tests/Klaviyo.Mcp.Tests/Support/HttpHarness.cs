using System.Security.Cryptography;
using System.Text;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// <c>klaviyo-mcp serve</c>, composed by <see cref="KlaviyoMcpHost"/> as Program composes it, on 127.0.0.1 and a free
/// port, with its logs captured; clients are the SDK's own, over <see cref="HttpClientTransport"/>.
/// </summary>
internal sealed class HttpHarness : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpHarness(WebApplication app, Uri url, CapturedLogs logs)
    {
        _app = app;
        Url = url;
        Logs = logs;
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public Uri Url { get; }

    public Uri McpUrl => new(Url, "/mcp");

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts serve with Klaviyo at <paramref name="klaviyo"/>; <paramref name="environment"/> holds the variables it reads (an authentication mode among them).</summary>
    public static async Task<HttpHarness> StartAsync(Uri klaviyo, IDictionary<string, string?> environment, LogLevel logLevel = LogLevel.Trace, Action<WebApplicationBuilder>? configure = null)
    {
        var variables = new Dictionary<string, string?>
        {
            [ServerSettings.BaseUrlVariable] = klaviyo.AbsoluteUri,
            [ServerSettings.LogLevelVariable] = logLevel.ToString(),
            [HttpServeSettings.HostVariable] = "127.0.0.1",
            [HttpServeSettings.PortVariable] = "0",
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(variables).Build();
        var settings = ServerSettings.Read(configuration);
        var http = HttpServeSettings.Read(configuration, settings);
        var logs = new CapturedLogs();
        var app = KlaviyoMcpHost.CreateHttp(settings, http, builder =>
        {
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(logLevel);
            configure?.Invoke(builder);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new HttpHarness(app, new Uri(app.Urls.Single()), logs);
    }

    /// <summary>An SDK client of this server that sends <c>Authorization: Bearer <paramref name="bearer"/></c>.</summary>
    public Task<McpClient> ConnectAsync(string bearer) => Connect(McpUrl, bearer);

    /// <summary>
    /// An SDK client on protocol revision <paramref name="protocolVersion"/> (null: the SDK's newest), declaring
    /// elicitation and answering with <paramref name="elicitation"/> when given.
    /// </summary>
    public async Task<McpClient> ConnectAsync(string bearer, string? protocolVersion, Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicitation)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + bearer },
        });
        return await McpClient.CreateAsync(
            transport,
            new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "klaviyo-mcp-http-tests", Version = "1.0" },
                ProtocolVersion = protocolVersion,
                Handlers = elicitation is null ? new McpClientHandlers() : new McpClientHandlers { ElicitationHandler = elicitation },
            },
            cancellationToken: TestContext.Current.CancellationToken);
    }

    public static async Task<McpClient> Connect(Uri mcpUrl, string bearer)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = mcpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + bearer },
        });
        return await McpClient.CreateAsync(
            transport,
            new McpClientOptions { ClientInfo = new Implementation { Name = "klaviyo-mcp-http-tests", Version = "1.0" } },
            cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>The hex SHA-256 of a token, as the tokens file holds it.</summary>
    public static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>A raw JSON-RPC tools/call body.</summary>
    public static string ToolCall(string tool, string arguments) =>
        """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":""" + "\"" + tool + "\",\"arguments\":" + arguments + "}}";

    /// <summary>POSTs <paramref name="body"/> to <paramref name="server"/>'s /mcp as a 2025-11-25 client would, the answer buffered.</summary>
    public static async Task<HttpResponseMessage> PostRawAsync(HttpHarness server, string? bearer, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.LoadIntoBufferAsync(TestContext.Current.CancellationToken);
        return response;
    }

    /// <summary>A free port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
