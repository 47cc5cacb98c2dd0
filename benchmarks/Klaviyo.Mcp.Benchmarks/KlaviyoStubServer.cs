using System.Net;
using System.Text;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// A loopback stand-in for Klaviyo's bulk endpoint: answers 202 at once, or, limited, enforces Klaviyo's fixed windows
/// (10 a second, 150 a minute) and answers 429 with Retry-After beyond them. GET /stats reports what it saw.
/// </summary>
internal sealed class KlaviyoStubServer(int perSecond, int perMinute)
{
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

    public async Task RunAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            var context = await listener.GetContextAsync();
            _ = Task.Run(() => Handle(context));
        }
    }

    private async Task Handle(HttpListenerContext context)
    {
        // Counted when the request arrives (its headers are read), as a rate limiter at Klaviyo's edge would.
        var now = DateTime.UtcNow;
        if (context.Request.HttpMethod == "GET" && context.Request.Url!.AbsolutePath == "/stats")
        {
            string stats;
            lock (_gate)
            {
                stats = $$"""{"requests":{{_requests}},"throttled":{{_throttled}},"bytes":{{_bytes}},"first":"{{_first:O}}","last":"{{_last:O}}","span_seconds":{{(_last - _first).TotalSeconds:0.000}}}""";
            }

            await Respond(context, 200, stats);
            return;
        }

        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await context.Request.InputStream.ReadAsync(buffer)) > 0)
        {
            length += read;
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

        if (retryAfter is { } wait)
        {
            context.Response.Headers["Retry-After"] = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Respond(context, 429, """{"errors":[{"id":"x","status":429,"code":"throttled","title":"Request was throttled.","detail":"Request was throttled."}]}""");
            return;
        }

        await Respond(context, 202, null);
    }

    private static async Task Respond(HttpListenerContext context, int status, string? body)
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/vnd.api+json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
        }
        else
        {
            context.Response.ContentLength64 = 0;
        }

        context.Response.Close();
    }
}
