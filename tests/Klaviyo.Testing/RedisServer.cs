using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Klaviyo.Testing;

/// <summary>
/// A Redis for the tests, on 127.0.0.1: the one CI started (<c>KLAVIYO_TEST_REDIS=127.0.0.1:PORT</c>, from
/// <c>.ci/run</c>), or, without it, a private <c>redis-server</c> started here on a free port. A test that stops and
/// restarts Redis gets its own with <see cref="StartPrivate"/>. Without either, the test fails and says how to get one:
/// Redis tests are never skipped silently.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string Variable = "KLAVIYO_TEST_REDIS";

    private static readonly Lazy<RedisServer> s_shared = new(() =>
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } endpoint)
        {
            return new RedisServer(endpoint, process: false);
        }

        var own = StartPrivate();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => own.Dispose();
        return own;
    });

    private Process? _process;

    private RedisServer(string endpoint, bool process)
    {
        Endpoint = endpoint;
        if (process)
        {
            Start();
        }
    }

    /// <summary>host:port, as a StackExchange.Redis connection string takes it.</summary>
    public string Endpoint { get; }

    public int Port => int.Parse(Endpoint[(Endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The Redis every test may share (keys are per test: each test uses its own account keys).</summary>
    public static RedisServer Shared => s_shared.Value;

    /// <summary>A redis-server of the caller's own, on a free loopback port, stopped on dispose.</summary>
    public static RedisServer StartPrivate()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new RedisServer($"127.0.0.1:{port}", process: true);
    }

    /// <summary>Stops this private redis-server (as an outage would) and waits until it no longer answers.</summary>
    public void Stop()
    {
        if (_process is null)
        {
            throw new InvalidOperationException("Only a private redis-server can be stopped.");
        }

        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts this private redis-server again, on the same port.</summary>
    public void Start()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"These tests need Redis: set {Variable}=127.0.0.1:PORT to a running one, or install redis-server (apt-get install redis-server), which they then start themselves.");
        var start = new ProcessStartInfo(binary, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!Answers())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10) || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server did not start on {Endpoint}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>True when Redis answers PING.</summary>
    public bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
            _process = null;
        }
    }
}
