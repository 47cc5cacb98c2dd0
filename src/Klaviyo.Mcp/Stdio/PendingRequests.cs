using System.Text.Json;

namespace Klaviyo.Mcp.Stdio;

/// <summary>
/// The JSON-RPC requests read from the client that have not been answered yet, so that the end of input can wait for
/// their answers. A request leaves the set when a response with its id is written, or when the client cancels it
/// (<c>notifications/cancelled</c>: the server then sends no response).
/// </summary>
public sealed class PendingRequests
{
    private readonly HashSet<string> _ids = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _empty = NewSignal(completed: true);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>A message the client sent, one line of JSON.</summary>
    public void Received(ReadOnlySpan<byte> line)
    {
        if (Parse(line) is not { } message)
        {
            return;
        }

        if (message.Method is "notifications/cancelled" && message.CancelledId is { } cancelled)
        {
            Remove(cancelled);
        }
        else if (message.Method is not null && message.Id is { } id)
        {
            lock (_gate)
            {
                if (_ids.Add(id) && _ids.Count == 1)
                {
                    _empty = NewSignal(completed: false);
                }
            }
        }
    }

    /// <summary>A message the server wrote, one line of JSON: a response answers the request with its id.</summary>
    public void Sent(ReadOnlySpan<byte> line)
    {
        if (Parse(line) is { Method: null, Id: { } id })
        {
            Remove(id);
        }
    }

    /// <summary>Completes when every request read so far has been answered, or after <paramref name="limit"/>; true when all were answered.</summary>
    public async Task<bool> AnsweredAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        Task empty;
        lock (_gate)
        {
            empty = _empty.Task;
        }

        try
        {
            await empty.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Remove(string id)
    {
        lock (_gate)
        {
            if (_ids.Remove(id) && _ids.Count == 0)
            {
                _empty.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    /// <summary>The parts of a JSON-RPC message that matter here; null for a line that is not a JSON object.</summary>
    private static (string? Method, string? Id, string? CancelledId)? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? method = null, id = null, cancelled = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "method" when reader.TokenType == JsonTokenType.String:
                        method = reader.GetString();
                        break;
                    case "id" when reader.TokenType is JsonTokenType.String or JsonTokenType.Number:
                        id = IdText(ref reader);
                        break;
                    case "params" when reader.TokenType == JsonTokenType.StartObject:
                        var depth = reader.CurrentDepth;
                        while (reader.Read() && reader.CurrentDepth > depth)
                        {
                            if (reader.CurrentDepth == depth + 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("requestId"u8))
                            {
                                reader.Read();
                                cancelled = reader.TokenType is JsonTokenType.String or JsonTokenType.Number ? IdText(ref reader) : null;
                                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                                {
                                    reader.Skip();
                                }
                            }
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return (method, id, cancelled);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A string id and a number id are different ids: "1" is not 1.
    private static string IdText(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? "s:" + reader.GetString() : "n:" + System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
}
