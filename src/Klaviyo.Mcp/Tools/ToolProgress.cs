using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>
/// The progress notifications of one tool call, written in the order reported and all before the call's result. The
/// SDK's own <see cref="IProgress{T}"/> for a tool parameter sends each notification without waiting for it, so the
/// last one could be written after the result, when the client no longer knows its token. Here each notification is
/// sent after the one before it, and the tool awaits them all (<see cref="DisposeAsync"/>, with <c>await using</c>)
/// before it returns or throws. Every tool that reports progress takes its reporter from here.
/// </summary>
public sealed class ToolProgress : IProgress<ProgressNotificationValue>, IAsyncDisposable
{
    private readonly McpServer? _server;
    private readonly ProgressToken? _token;
    private readonly Lock _gate = new();
    private Task _sent = Task.CompletedTask;

    private ToolProgress(McpServer? server, ProgressToken? token)
    {
        _server = server;
        _token = token;
    }

    /// <summary>The reporter of <paramref name="request"/>: silent when the client sent no progress token.</summary>
    public static ToolProgress For(RequestContext<CallToolRequestParams> request) =>
        new(request.Server, request.Params?.ProgressToken);

    /// <summary>This reporter, or null when the client asked for no progress (work that builds messages may skip them).</summary>
    public IProgress<ProgressNotificationValue>? Reporter => _token is null ? null : this;

    public void Report(ProgressNotificationValue value)
    {
        if (_server is null || _token is not { } token)
        {
            return;
        }

        lock (_gate)
        {
            _sent = SendAfterAsync(_sent, _server, token, value);
        }
    }

    /// <summary>Waits until every notification reported so far has been written.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _sent;
        }
    }

    public async ValueTask DisposeAsync() => await FlushAsync().ConfigureAwait(false);

    private static async Task SendAfterAsync(Task previous, McpServer server, ProgressToken token, ProgressNotificationValue value)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await server.NotifyProgressAsync(token, value, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The client went away: progress is advisory, so the call goes on (and its result fails to be written the same way).
        }
    }
}
