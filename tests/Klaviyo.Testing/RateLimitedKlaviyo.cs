using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Klaviyo.Testing;

/// <summary>
/// A loopback Klaviyo for <c>POST /api/events</c> that enforces a per-second and a per-minute limit as sliding windows
/// (no interval of one second, or of one minute, may hold more accepted requests than its limit), counted when a
/// request's headers arrive, and answers 429 with <c>Retry-After</c> beyond them. It records how often it accepted
/// each event's <c>unique_id</c>. Plain HTTP/1.1 over blocking sockets, a thread per connection, so that a request is
/// stamped when it arrives, not when a busy thread pool gets to it.
/// </summary>
public sealed class RateLimitedKlaviyo : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _perSecond;
    private readonly int _perMinute;
    private readonly Queue<long> _accepted = new();
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, int> _uniqueIds = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> _authorizations = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _connections = [];
    private int _throttled;
    private int _maxInAnySecond;
    private int _maxInAnyMinute;

    public RateLimitedKlaviyo(int perSecond, int perMinute)
    {
        _perSecond = perSecond;
        _perMinute = perMinute;
        _listener.Start(512);
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>429s answered.</summary>
    public int Throttled => Volatile.Read(ref _throttled);

    /// <summary>How many times each unique_id was accepted (202).</summary>
    public IReadOnlyDictionary<string, int> Accepted => _uniqueIds;

    /// <summary>The Authorization headers of accepted requests.</summary>
    public IReadOnlyCollection<string> Authorizations => _authorizations;

    /// <summary>The most accepted requests seen within any one second, and within any one minute.</summary>
    public (int Second, int Minute) Peak
    {
        get
        {
            lock (_gate)
            {
                return (_maxInAnySecond, _maxInAnyMinute);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            connection.NoDelay = true;
            _connections.Add(connection);
            new Thread(() => Serve(connection)) { IsBackground = true }.Start();
        }
    }

    private void Serve(Socket connection)
    {
        using var _ = connection;
        var buffer = new byte[1 << 16];
        var filled = 0;
        try
        {
            while (true)
            {
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    var read = connection.Receive(buffer.AsSpan(filled));
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var arrived = Stopwatch.GetTimestamp();
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                var length = ContentLength(head);
                var total = end + 4 + length;
                while (filled < total)
                {
                    if (total > buffer.Length)
                    {
                        Array.Resize(ref buffer, Math.Max(total, buffer.Length * 2));
                    }

                    var read = connection.Receive(buffer.AsSpan(filled));
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var body = buffer.AsSpan(end + 4, length).ToArray();
                connection.Send(Answer(head, body, arrived));
                Array.Copy(buffer, total, buffer, 0, filled - total);
                filled -= total;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the stub stopped.
        }
    }

    private byte[] Answer(string head, byte[] body, long arrived)
    {
        if (!head.StartsWith("POST /api/events", StringComparison.Ordinal))
        {
            return Response("404 Not Found", """{"errors":[{"status":404,"code":"not_found","title":"Not found","detail":"not found"}]}""");
        }

        lock (_gate)
        {
            var second = Stopwatch.Frequency;
            var minute = 60 * second;
            while (_accepted.Count > 0 && _accepted.Peek() <= arrived - minute)
            {
                _accepted.Dequeue();
            }

            var inSecond = _accepted.Count(t => t > arrived - second);
            if (inSecond >= _perSecond || _accepted.Count >= _perMinute)
            {
                _throttled++;
                return Response(
                    "429 Too Many Requests",
                    """{"errors":[{"id":"x","status":429,"code":"throttled","title":"Request was throttled.","detail":"Request was throttled."}]}""",
                    "Retry-After: 1\r\n");
            }

            _accepted.Enqueue(arrived);
            _maxInAnySecond = Math.Max(_maxInAnySecond, inSecond + 1);
            _maxInAnyMinute = Math.Max(_maxInAnyMinute, _accepted.Count);
        }

        using var document = JsonDocument.Parse(body);
        var uniqueId = document.RootElement.GetProperty("data").GetProperty("attributes").TryGetProperty("unique_id", out var id) ? id.GetString() ?? "" : "";
        _uniqueIds.AddOrUpdate(uniqueId, 1, (_, n) => n + 1);
        if (Header(head, "authorization") is { } authorization)
        {
            _authorizations.Add(authorization);
        }

        return "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
    }

    private static byte[] Response(string status, string body, string extraHeaders = "")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/vnd.api+json\r\nContent-Length: {bytes.Length.ToString(CultureInfo.InvariantCulture)}\r\n{extraHeaders}\r\n"), .. bytes];
    }

    private static int ContentLength(string head) =>
        Header(head, "content-length") is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static string? Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
