using Klaviyo.Mcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// stdout carries JSON-RPC and nothing else: every log line goes to stderr.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
builder.Configuration.AddEnvironmentVariables();

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
