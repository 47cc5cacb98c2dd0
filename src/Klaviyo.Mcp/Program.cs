using Klaviyo.Mcp;
using Klaviyo.Mcp.Stdio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;
using System.Runtime.InteropServices;

if (args is ["doctor", ..])
{
    // A command, not the server: it prints its report on stdout.
    try
    {
        var doctorSettings = ServerSettings.Read(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        return await DoctorCommand.RunAsync(doctorSettings, Console.Out, CancellationToken.None);
    }
    catch (ServerConfigurationException ex)
    {
        await Console.Error.WriteLineAsync($"{KlaviyoMcpServer.ServerName}: {ex.Message}");
        return 2;
    }
}

var commandLine = CommandLine.Parse(args);
if (commandLine.Help || commandLine.Version)
{
    // A command, not the server: it may print to stdout.
    Console.Out.WriteLine(commandLine.Help ? CommandLine.Usage : $"{KlaviyoMcpServer.ServerName} {ServerSettings.ServerVersion}");
    return 0;
}

if (commandLine.Error is { } usageError)
{
    await Console.Error.WriteLineAsync($"{KlaviyoMcpServer.ServerName}: {usageError}\n\n{CommandLine.Usage}");
    return 2;
}

// From here on stdout carries JSON-RPC and nothing else: every log line goes to stderr.
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(commandLine.Overrides).Build();

ServerSettings settings;
try
{
    settings = ServerSettings.Read(configuration);
}
catch (ServerConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"{KlaviyoMcpServer.ServerName}: {ex.Message}");
    return 2;
}

// No generic Host: a stdio server is one session that ends when stdin closes or a signal arrives, and building the Host's
// services (lifetime, options, environment) was a third of what remained of the Native AOT cold start.
var services = new ServiceCollection();
services.AddLogging(logging =>
{
    logging.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
    });
    logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    logging.SetMinimumLevel(settings.LogLevel);

    // HttpClient and Polly narrate every request; keep them for Debug and Trace, where their header values are redacted.
    logging.AddFilter("System.Net.Http.HttpClient", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning);
    logging.AddFilter("Polly", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Error);
});
// stdin and stdout as the SDK's stream transport, with one addition: at the end of input the session ends only once
// every request already read has been answered (at most one call's time budget), so a client that writes its requests
// and closes its end still gets every answer.
using var stopping = new CancellationTokenSource();
var pending = new PendingRequests();
services.AddKlaviyoMcpServer(settings).WithStreamServerTransport(
    new AnsweringInputStream(Console.OpenStandardInput(), pending, settings.CallBudget, stopping.Token),
    new AnswerObservingOutputStream(Console.OpenStandardOutput(), pending));

await using var provider = services.BuildServiceProvider();
if (settings.ApiKeyWarning() is { } warning)
{
    provider.GetRequiredService<ILoggerFactory>().CreateLogger("Klaviyo.Mcp").LogWarning("{Warning}", warning);
}

// SIGTERM, SIGINT and SIGQUIT end the session at once: the request in flight is cancelled and everything is disposed.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onQuit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
try
{
    await provider.GetRequiredService<McpServer>().RunAsync(stopping.Token);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // Stopped by a signal.
}

return 0;
