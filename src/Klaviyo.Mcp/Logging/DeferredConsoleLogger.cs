using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.Logging;

/// <summary>One category of <see cref="DeferredConsoleLoggerProvider"/>: the console logger of that category, from its first entry.</summary>
internal sealed class DeferredConsoleLogger(DeferredConsoleLoggerProvider provider, string categoryName) : ILogger
{
    private ILogger? _console;

    // The console logger is set up without scopes (IncludeScopes is off), so a scope writes nothing and needs no console.
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        (_console ??= provider.Create(categoryName)).Log(logLevel, eventId, state, exception, formatter);
}
