using Klaviyo.Mcp;
using Klaviyo.Mcp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

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

// From here on stdout carries JSON-RPC and nothing else (over stdio): every log line goes to stderr.
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(commandLine.Overrides).Build();

ServerSettings settings;
HttpServeSettings? http = null;
try
{
    settings = ServerSettings.Read(configuration);
    if (commandLine.Serve)
    {
        http = HttpServeSettings.Read(configuration, settings);
    }
}
catch (ServerConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"{KlaviyoMcpServer.ServerName}: {ex.Message}");
    return 2;
}

if (http is not null)
{
    // Streamable HTTP until SIGTERM or SIGINT, which let the requests in flight finish.
    await using var app = KlaviyoMcpHost.CreateHttp(settings, http);
    try
    {
        await app.RunAsync();
    }
    catch (IOException ex)
    {
        await Console.Error.WriteLineAsync($"{KlaviyoMcpServer.ServerName}: cannot listen on {http.Host}:{http.Port}: {ex.Message}");
        return 1;
    }

    return 0;
}

// One session over stdio, until the end of input (every request read is answered first) or a signal.
using var host = KlaviyoMcpHost.CreateStdio(settings, Console.OpenStandardInput(), Console.OpenStandardOutput());
await host.RunAsync();
return 0;
