using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Garnet;

namespace Klaviyo.Testing;

/// <summary>
/// A Redis for the tests, on 127.0.0.1: the one CI started (<c>KLAVIYO_TEST_REDIS=127.0.0.1:PORT</c>, from
/// <c>.ci/run</c>); without it, a private <c>redis-server</c> started here on a free port when one is on PATH; without
/// that either, Microsoft's Garnet inside the test process (see <see cref="RedisServerKind.EmbeddedGarnet"/>), so that
/// <c>dotnet test</c> passes on a machine with nothing but the .NET SDK. A test that stops and restarts Redis gets its
/// own with <see cref="StartPrivate()"/>.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string Variable = "KLAVIYO_TEST_REDIS";

    private static readonly Lazy<RedisServer> s_shared = new(() =>
    {
        if (Choose(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("PATH")) == RedisServerKind.Given)
        {
            return new RedisServer(Environment.GetEnvironmentVariable(Variable)!, RedisServerKind.Given);
        }

        var own = StartPrivate();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => own.Dispose();
        return own;
    });

    private readonly Lock _gate = new();
    private Process? _process;
    private GarnetServer? _garnet;

    private RedisServer(string endpoint, RedisServerKind kind)
    {
        Endpoint = endpoint;
        Kind = kind;
        if (kind != RedisServerKind.Given)
        {
            Start();
        }
    }

    /// <summary>host:port, as a StackExchange.Redis connection string takes it.</summary>
    public string Endpoint { get; }

    public RedisServerKind Kind { get; }

    public int Port => int.Parse(Endpoint[(Endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>The Redis every test may share (keys are per test: each test uses its own account keys).</summary>
    public static RedisServer Shared => s_shared.Value;

    /// <summary>
    /// Which Redis the tests use, given <c>KLAVIYO_TEST_REDIS</c> and PATH: the given one, else a redis-server from
    /// PATH, else an embedded Garnet.
    /// </summary>
    public static RedisServerKind Choose(string? variable, string? path) =>
        variable is { Length: > 0 } ? RedisServerKind.Given
        : FindRedisServer(path) is not null ? RedisServerKind.RedisServerProcess
        : RedisServerKind.EmbeddedGarnet;

    /// <summary>The first executable <c>redis-server</c> in the directories of <paramref name="path"/>, or null.</summary>
    public static string? FindRedisServer(string? path) =>
        (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(directory => new[] { Path.Combine(directory, "redis-server"), Path.Combine(directory, "redis-server.exe") })
            .FirstOrDefault(IsExecutable);

    /// <summary>A Redis of the caller's own, on a free loopback port, stopped on dispose: a redis-server from PATH, else an embedded Garnet.</summary>
    public static RedisServer StartPrivate() =>
        StartPrivate(FindRedisServer(Environment.GetEnvironmentVariable("PATH")) is null ? RedisServerKind.EmbeddedGarnet : RedisServerKind.RedisServerProcess);

    /// <summary>A Redis of the caller's own, of the given kind, on a free loopback port, stopped on dispose.</summary>
    public static RedisServer StartPrivate(RedisServerKind kind)
    {
        if (kind == RedisServerKind.Given)
        {
            throw new ArgumentException("A private Redis is started here: a redis-server process or an embedded Garnet.", nameof(kind));
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new RedisServer($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", kind);
    }

    /// <summary>Stops this private Redis (as an outage would) and waits until it no longer answers.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (Kind == RedisServerKind.Given)
            {
                throw new InvalidOperationException("Only a private Redis can be stopped.");
            }

            StopRunning();
        }

        var deadline = Stopwatch.StartNew();
        while (Answers())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"Redis on {Endpoint} still answers after being stopped");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Starts this private Redis again, on the same port, empty.</summary>
    public void Start()
    {
        lock (_gate)
        {
            switch (Kind)
            {
                case RedisServerKind.RedisServerProcess:
                    StartProcess();
                    break;
                case RedisServerKind.EmbeddedGarnet:
                    StartGarnet();
                    break;
                default:
                    throw new InvalidOperationException("Only a private Redis can be started.");
            }
        }

        var deadline = Stopwatch.StartNew();
        while (!Answers())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10) || _process is { HasExited: true })
            {
                throw new InvalidOperationException($"{Kind} did not start on {Endpoint}");
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
            stream.ReadTimeout = 5000;
            stream.Write("*1\r\n$4\r\nPING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            StopRunning();
        }
    }

    private void StartProcess()
    {
        var binary = FindRedisServer(Environment.GetEnvironmentVariable("PATH"))
            ?? throw new InvalidOperationException("No redis-server on PATH.");
        var start = new ProcessStartInfo(binary, ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"])
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
    }

    private void StartGarnet()
    {
        // Memory only (no log on disk, no checkpoints), small, silent. Lua on, and each script run as a transaction:
        // Redis runs a script atomically, and the rate limiter's script relies on that.
        _garnet = new GarnetServer(
        [
            "--bind", "127.0.0.1",
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--lua",
            "--lua-transaction-mode",
            "--memory", "64m",
            "--page", "1m",
            "--index", "1m",
            "-q",
            "--logger-level", "None",
            "--disable-console-logger",
        ]);
        _garnet.Start();
    }

    private void StopRunning()
    {
        if (_process is not null)
        {
            _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
            _process = null;
        }

        if (_garnet is not null)
        {
            _garnet.Dispose();
            _garnet = null;
        }
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
