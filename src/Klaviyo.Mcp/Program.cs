using Klaviyo.Mcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddEnvironmentVariables();
builder.Configuration.AddInMemoryCollection(commandLine.Overrides);

ServerSettings settings;
try
{
    settings = ServerSettings.Read(builder.Configuration);
}
catch (ServerConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"{KlaviyoMcpServer.ServerName}: {ex.Message}");
    return 2;
}

builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
});
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(settings.LogLevel);
// HttpClient and Polly narrate every request; keep them for Debug and Trace, where their header values are redacted.
builder.Logging.AddFilter("System.Net.Http.HttpClient", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning);
builder.Logging.AddFilter("Polly", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Error);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

builder.Services.AddKlaviyoMcpServer(settings).WithStdioServerTransport();

using var host = builder.Build();
if (settings.ApiKeyWarning() is { } warning)
{
    host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Klaviyo.Mcp").LogWarning("{Warning}", warning);
}

await host.RunAsync();
return 0;
