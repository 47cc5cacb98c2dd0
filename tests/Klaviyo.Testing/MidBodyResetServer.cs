using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Klaviyo.Testing;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 whose first <c>resets</c> answers are cut off: the status line, the headers
/// (with the full Content-Length) and part of the body are sent, then the connection is reset (RST). Later requests
/// get the whole body. The cut answers' status is <c>cutStatus</c> when given (a 200 cut off, then a 404), else
/// <c>status</c>. Every request is recorded as <c>METHOD /path</c>.
/// </summary>
public sealed class MidBodyResetServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _resets;
    private readonly string _body;
    private readonly int _status;
    private readonly int _cutStatus;
    private int _answered;

    public MidBodyResetServer(int resets, string body = """{"data":[{"type":"profile","id":"01P","attributes":{"email":"ann@klaviyo-demo.com"}}],"links":{"self":"x"}}""", int status = 200, int? cutStatus = null)
    {
        _resets = resets;
        _body = body;
        _status = status;
        _cutStatus = cutStatus ?? status;
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Requests received, in order, as <c>METHOD /path</c>.</summary>
    public IReadOnlyList<string> Requests => [.. RequestQueue];

    private ConcurrentQueue<string> RequestQueue { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(connection);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(TcpClient connection)
    {
        try
        {
            using (connection)
            {
                var stream = connection.GetStream();
                while (await ReadRequestAsync(stream) is { } requestLine)
                {
                    RequestQueue.Enqueue(requestLine);
                    var body = Encoding.UTF8.GetBytes(_body);
                    var cut = Interlocked.Increment(ref _answered) <= _resets;
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 {(cut ? _cutStatus : _status)} OK\r\nContent-Type: application/vnd.api+json\r\nContent-Length: {body.Length}\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token);
                    if (cut)
                    {
                        await stream.WriteAsync(body.AsMemory(0, body.Length / 2), _stop.Token);
                        await stream.FlushAsync(_stop.Token);
                        await Task.Delay(50, _stop.Token);
                        connection.Client.LingerState = new LingerOption(true, 0);
                        connection.Client.Close();
                        return;
                    }

                    await stream.WriteAsync(body, _stop.Token);
                }
            }
        }
        catch (Exception)
        {
            // The client went away, or the server stopped.
        }
    }

    /// <summary>Reads one request (headers and a Content-Length body); its <c>METHOD /path</c>, or null at the end of the connection.</summary>
    private async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(body.AsMemory(read), _stop.Token);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        var parts = lines[0].Split(' ');
        return parts[0] + " " + parts[1].Split('?')[0];
    }
}
