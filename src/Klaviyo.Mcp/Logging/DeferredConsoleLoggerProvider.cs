using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Klaviyo.Mcp.Logging;

/// <summary>
/// The console logger (simple format, one line per entry, no colours, every level on stderr), built when the first entry
/// is written rather than at start-up. Setting it up (its options, three formatters and their option monitors, each a
/// generic type the Native AOT runtime builds on the fly) was about a quarter of the stdio server's start, and a server
/// at the default level usually writes nothing. The host's filters (level, categories) apply before an entry gets here;
/// what is written, and how, is the console logger's own. Disposing this flushes it.
/// </summary>
internal sealed class DeferredConsoleLoggerProvider : ILoggerProvider
{
    private readonly Lazy<ServiceProvider> _console = new(CreateConsole, LazyThreadSafetyMode.ExecutionAndPublication);

    public ILogger CreateLogger(string categoryName) => new DeferredConsoleLogger(this, categoryName);

    /// <summary>The console logger of this category, creating the console logging on first use.</summary>
    public ILogger Create(string categoryName) => _console.Value.GetRequiredService<ILoggerFactory>().CreateLogger(categoryName);

    public void Dispose()
    {
        if (_console.IsValueCreated)
        {
            _console.Value.Dispose();
        }
    }

    private static ServiceProvider CreateConsole() =>
        new ServiceCollection().AddLogging(logging =>
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });

            // Every log line goes to stderr: over stdio, stdout carries JSON-RPC and nothing else.
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

            // The host has filtered already.
            logging.SetMinimumLevel(LogLevel.Trace);
        }).BuildServiceProvider();
}
