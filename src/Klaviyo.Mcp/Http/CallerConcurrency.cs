using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Klaviyo.Mcp.Access;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// Bounds the tool calls one caller (a token, or one person's key) has in flight on this replica. A call beyond the
/// bound is answered at once with a JSON-RPC error that says so, instead of queueing: one caller cannot take every
/// connection and rate-limit permit from the others.
/// </summary>
internal sealed class CallerConcurrency(int limit)
{
    /// <summary>JSON-RPC's range for server errors starts here; the message says what happened.</summary>
    public const int TooManyCallsErrorCode = -32000;

    private readonly ConcurrentDictionary<string, StrongBox<int>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The tool calls <paramref name="caller"/> has in flight on this replica now.</summary>
    public int InFlight(string caller) => _inFlight.TryGetValue(caller, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>Runs <paramref name="next"/> for the request's caller if it has a call to spare; over stdio (no caller) it just runs.</summary>
    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (context.Services?.GetService<RequestCaller>()?.Current is not { } caller)
        {
            return await next(context, cancellationToken).ConfigureAwait(false);
        }

        var count = _inFlight.GetOrAdd(caller.Id, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) > limit)
        {
            Interlocked.Decrement(ref count.Value);
            throw new McpProtocolException(
                $"Too many tool calls in flight for {caller.Name}: at most {limit} at once on this server. Wait for one to finish, then retry.",
                (McpErrorCode)TooManyCallsErrorCode);
        }

        try
        {
            return await next(context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref count.Value);
        }
    }
}
