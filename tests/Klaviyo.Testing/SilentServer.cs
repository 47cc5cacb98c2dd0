using System.Net;
using System.Net.Sockets;

namespace Klaviyo.Testing;

/// <summary>A TCP server on 127.0.0.1 that reads requests and never answers: for timeouts and cancellation in flight.</summary>
public sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private int _requests;
    private int _closed;

    public SilentServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>How many requests have started to arrive (first bytes read on a connection).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How many connections the client closed (a cancelled or timed-out request closes its connection).</summary>
    public int ClosedConnections => Volatile.Read(ref _closed);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(connection);
                }

                _ = DrainAsync(connection);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(TcpClient connection)
    {
        var buffer = new byte[8192];
        try
        {
            var stream = connection.GetStream();
            var counted = false;
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
                if (!counted)
                {
                    counted = true;
                    Interlocked.Increment(ref _requests);
                }
            }

            Interlocked.Increment(ref _closed);
        }
        catch (Exception) when (!_stop.IsCancellationRequested)
        {
            // The connection was reset by the client.
            Interlocked.Increment(ref _closed);
        }
        catch (Exception)
        {
            // The server stopped.
        }
    }
}
