using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// A loopback stand-in for Klaviyo: answers 202 at once, or, limited, enforces Klaviyo's fixed windows (10 a second, 150 a
/// minute) and answers 429 with Retry-After beyond them. GET /stats reports what it saw.
/// It speaks just enough HTTP/1.1 over plain blocking sockets, a thread per connection (keep-alive, Content-Length bodies),
/// so that a call measured against it measures the server, not the stub: HttpListener took about 0.5 ms a request here.
/// </summary>
internal sealed class KlaviyoStubServer(int perSecond, int perMinute)
{
    private static readonly byte[] s_accepted = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_headersEnd = "\r\n\r\n"u8.ToArray();

    private readonly object _gate = new();
    private long _requests;
    private long _throttled;
    private long _bytes;
    private DateTime _first;
    private DateTime _last;
    private long _second = -1;
    private int _inSecond;
    private long _minute = -1;
    private int _inMinute;

    public async Task RunAsync(Socket listener)
    {
        while (true)
        {
            var connection = await listener.AcceptAsync();
            connection.NoDelay = true;
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
                // Headers: read until the blank line.
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf(s_headersEnd)) < 0)
                {
                    var read = connection.Receive(buffer.AsSpan(filled));
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                // Counted when the request arrives (its headers are read), as a rate limiter at Klaviyo's edge would.
                var now = DateTime.UtcNow;
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                var length = ContentLength(head);
                var consumed = end + s_headersEnd.Length;

                // Body: counted, not kept.
                var inBuffer = (int)Math.Min(length, filled - consumed);
                var remaining = length - inBuffer;
                consumed += inBuffer;
                Array.Copy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                while (remaining > 0)
                {
                    var read = connection.Receive(buffer.AsSpan(0, (int)Math.Min(buffer.Length, remaining)));
                    if (read == 0)
                    {
                        return;
                    }

                    remaining -= read;
                }

                connection.Send(Answer(head, length, now));
            }
        }
        catch (SocketException)
        {
            // The client went away.
        }
    }

    private byte[] Answer(string head, long length, DateTime now)
    {
        if (head.StartsWith("GET /stats ", StringComparison.Ordinal))
        {
            lock (_gate)
            {
                return Response("200 OK", $$"""{"requests":{{_requests}},"throttled":{{_throttled}},"bytes":{{_bytes}},"first":"{{_first:O}}","last":"{{_last:O}}","span_seconds":{{(_last - _first).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)}}}""");
            }
        }

        int? retryAfter = null;
        lock (_gate)
        {
            var second = now.Ticks / TimeSpan.TicksPerSecond;
            var minute = now.Ticks / TimeSpan.TicksPerMinute;
            if (second != _second)
            {
                _second = second;
                _inSecond = 0;
            }

            if (minute != _minute)
            {
                _minute = minute;
                _inMinute = 0;
            }

            if (perSecond > 0 && (_inSecond >= perSecond || _inMinute >= perMinute))
            {
                _throttled++;
                retryAfter = _inMinute >= perMinute ? 60 - now.Second : 1;
            }
            else
            {
                _inSecond++;
                _inMinute++;
                _requests++;
                _bytes += length;
                if (_requests == 1)
                {
                    _first = now;
                }

                _last = now;
            }
        }

        return retryAfter is { } wait
            ? Response("429 Too Many Requests", """{"errors":[{"id":"x","status":429,"code":"throttled","title":"Request was throttled.","detail":"Request was throttled."}]}""", $"Retry-After: {wait.ToString(CultureInfo.InvariantCulture)}\r\n")
            : s_accepted;
    }

    private static byte[] Response(string status, string body, string extraHeaders = "")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/vnd.api+json\r\nContent-Length: {bytes.Length.ToString(CultureInfo.InvariantCulture)}\r\n{extraHeaders}\r\n"), .. bytes];
    }

    private static long ContentLength(string head)
    {
        var at = head.IndexOf("\r\ncontent-length:", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return 0;
        }

        var value = head.AsSpan(at + "\r\ncontent-length:".Length);
        var endOfLine = value.IndexOf('\r');
        return long.Parse(endOfLine < 0 ? value : value[..endOfLine], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture);
    }
}
