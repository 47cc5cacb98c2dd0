using System.IO.Pipelines;
using System.Text.Json;
using Klaviyo.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>The real server, composed by <see cref="KlaviyoMcpHost"/> as Program composes it, and an official MCP client, joined by in-memory pipes.</summary>
internal sealed class McpHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private McpHarness(IHost host, McpClient client, CapturedLogs logs)
    {
        _host = host;
        Client = client;
        Logs = logs;
    }

    public McpClient Client { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The server's services, as the tools get them.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a server whose Klaviyo is <paramref name="stub"/>; <paramref name="environment"/> overrides the variables it reads.
    /// Confirmation is off unless the environment turns it on (<c>KLAVIYO_CONFIRM=true</c>): ConfirmationTests test it;
    /// <paramref name="elicitation"/> makes the client declare elicitation and answer with it; <paramref name="capabilities"/>, the client's other capabilities (e.g. extensions).
    /// </summary>
    public static async Task<McpHarness> StartAsync(
        KlaviyoStub stub,
        IDictionary<string, string?>? environment = null,
        Action<IServiceCollection>? services = null,
        LogLevel logLevel = LogLevel.Trace,
        Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicitation = null,
        string? protocolVersion = null,
        ClientCapabilities? capabilities = null)
    {
        var variables = new Dictionary<string, string?>
        {
            [ServerSettings.ApiKeyVariable] = KlaviyoStub.ApiKey,
            [ServerSettings.BaseUrlVariable] = stub.Url.AbsoluteUri,
            [ServerSettings.LogLevelVariable] = logLevel.ToString(),
            [ServerSettings.ConfirmVariable] = "false",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        var settings = ServerSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
        var logs = new CapturedLogs();
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();

        // Composed by the same code as Program's stdio server, with the logs captured and the pipes for stdin and stdout.
        var host = KlaviyoMcpHost.CreateStdio(settings, clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream(), builder =>
        {
            builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(logLevel);
            services?.Invoke(builder.Services);
        });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = await McpClient.CreateAsync(
            new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
            new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "klaviyo-mcp-tests", Version = "1.0" },
                ProtocolVersion = protocolVersion,
                Capabilities = capabilities,
                Handlers = elicitation is null ? new McpClientHandlers() : new McpClientHandlers { ElicitationHandler = elicitation },
            },
            cancellationToken: TestContext.Current.CancellationToken);
        return new McpHarness(host, client, logs);
    }

    /// <summary>Calls <paramref name="tool"/> with arguments given as a JSON object; the test's own token cancels it.</summary>
    public Task<CallToolResult> CallAsync(string tool, string argumentsJson) => CallCancellableAsync(tool, argumentsJson, TestContext.Current.CancellationToken);

    public Task<CallToolResult> CallCancellableAsync(string tool, string argumentsJson, CancellationToken cancellationToken) =>
        Client.CallToolAsync(tool, Arguments(argumentsJson), cancellationToken: cancellationToken).AsTask();

    /// <summary>Tool arguments from a JSON object, each value a <see cref="JsonElement"/> exactly as written.</summary>
    public static Dictionary<string, object?> Arguments(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
