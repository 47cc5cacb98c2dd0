using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// <c>klaviyo-mcp serve</c> under load: replicas as child processes on 127.0.0.1 (each caller's own key), a stub that
/// answers at once, and concurrent SDK clients over Streamable HTTP spread round-robin over the replicas, each calling
/// create_event in a loop for a while. Each client has its own key (its own account), so that one account's 350/s does
/// not bound the run. Reports requests a second, the call latency as clients see it (p50, p99) and each replica's peak
/// memory. With <c>--pace-ms</c> every client waits between calls, to measure latency below the limits (the Redis
/// limiter's cost per request, compared with the same run counting in process).
/// </summary>
internal static class HttpBenchmark
{
    private const string Arguments = """{"metric":{"name":"Bench"},"profile":{"email":"bench@example.com"},"value":1}""";

    /// <summary>
    /// With <paramref name="baseline"/> (an empty ModelContextProtocol.AspNetCore server with one echo tool,
    /// benchmarks/Klaviyo.Mcp.EmptyServer published with -p:EmptyServerHttp=true), the same clients first call its tool the same
    /// way, in the same run, and the server's calls a second are reported as a ratio of the baseline's.
    /// </summary>
    /// <param name="tool">The tool to call and its arguments: null, create_event (a Klaviyo request each, to the stub);
    /// otherwise a tool answered without Klaviyo, for the server's own stack against the empty server's: <c>rejected</c>,
    /// create_event with an invalid email (every layer runs, the validator refuses it, the 150-byte error result is the
    /// expected answer and nothing is sent: the trivial call); <c>find</c>,
    /// find_operations for one operation (a result of 200 bytes, the size of the echo's); <c>describe</c>,
    /// describe_operation (3 KB: what a larger result costs).</param>
    public static async Task<int> RunAsync(string server, Uri stub, int replicas, string? redis, int clients, TimeSpan duration, TimeSpan pace, string? baseline = null, string? tool = null)
    {
        double? baselineRate = null;
        var baselineCpu = 0.0;
        if (baseline is not null)
        {
            var (baselineLine, rate, baselineCpuPerCall, baselineErrors) = await MeasureAsync(baseline, stub, replicas, null, clients, duration, pace, "echo", """{"message":"Bench"}""");
            Console.WriteLine(baselineLine.Replace("{\"replicas\"", $"{{\"server\":\"{Path.GetFileName(baseline)}\",\"replicas\"", StringComparison.Ordinal));
            if (baselineErrors > 0)
            {
                return 1;
            }

            baselineRate = rate;
            baselineCpu = baselineCpuPerCall;
        }

        var (name, json) = tool switch
        {
            null => ("create_event", Arguments),
            "find" => ("find_operations", """{"query":"get_account","limit":1}"""),
            "describe" => ("describe_operation", """{"operation":"get_lists"}"""),
            "rejected" => ("create_event", """{"metric":{"name":"Bench"},"profile":{"email":"not-an-email"}}"""),
            _ => throw new ArgumentException($"--tool {tool}: rejected, find or describe"),
        };
        var (line, callsPerSecond, cpuPerCall, errors) = await MeasureAsync(server, stub, replicas, redis, clients, duration, pace, name, json, expectError: tool == "rejected");
        Console.WriteLine(baselineRate is { } floor
            ? line[..^1] + string.Create(CultureInfo.InvariantCulture, $",\"ratio_to_empty_server\":{callsPerSecond / floor:0.00},\"cpu_per_call_to_empty_server\":{cpuPerCall / baselineCpu:0.00}}}")
            : line);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<(string Line, double CallsPerSecond, double CpuMicrosecondsPerCall, int Errors)> MeasureAsync(
        string server, Uri stub, int replicas, string? redis, int clients, TimeSpan duration, TimeSpan pace, string tool, string json, bool expectError = false)
    {
        var processes = new List<(Process Process, Uri Url)>();
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                processes.Add(await StartAsync(server, stub, redis));
            }

            var connected = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => ConnectAsync(processes[i % replicas].Url, i)));
            var arguments = System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());

            // Warm up: every tool function is built on its first call, and every connection is opened.
            await Task.WhenAll(connected.Select(async c =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await c.CallToolAsync(tool, arguments);
                }
            }));

            var latencies = new List<double>[clients];
            var errors = 0;
            var cpuBefore = ServerCpu(processes);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(connected.Select(async (client, n) =>
            {
                var mine = latencies[n] = new List<double>(100_000);
                while (clock.Elapsed < duration)
                {
                    var started = clock.Elapsed;
                    var result = await client.CallToolAsync(tool, arguments);
                    mine.Add((clock.Elapsed - started).TotalMilliseconds);
                    if ((result.IsError == true) != expectError)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    if (pace > TimeSpan.Zero && pace - (clock.Elapsed - started) is { } rest && rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest);
                    }
                }
            }));
            var elapsed = clock.Elapsed;
            var cpu = ServerCpu(processes) - cpuBefore;

            var all = latencies.SelectMany(l => l).Order().ToArray();
            var peaks = processes.Select(p => PeakMegabytes(p.Process)).ToArray();
            var callsPerSecond = all.Length / elapsed.TotalSeconds;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{{\"replicas\":{replicas},\"redis\":{(redis is null ? "false" : "true")},\"clients\":{clients},\"pace_ms\":{pace.TotalMilliseconds:0}," +
                $"\"calls\":{all.Length},\"errors\":{errors},\"calls_per_second\":{callsPerSecond:0}," +
                $"\"p50_ms\":{all[all.Length / 2]:0.00},\"p99_ms\":{all[(int)(all.Length * 0.99)]:0.00}," +
                $"\"server_cpu_us_per_call\":{cpu.TotalMicroseconds / all.Length:0}," +
                $"\"peak_mb\":[{string.Join(",", peaks.Select(p => p.ToString("0.0", CultureInfo.InvariantCulture)))}]}}");
            foreach (var client in connected)
            {
                await client.DisposeAsync();
            }

            return (line, callsPerSecond, cpu.TotalMicroseconds / all.Length, errors);
        }
        finally
        {
            foreach (var (process, _) in processes)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>The processor time the replicas have used so far (user and system), whatever else runs on the machine.</summary>
    private static TimeSpan ServerCpu(List<(Process Process, Uri Url)> processes) =>
        processes.Aggregate(TimeSpan.Zero, (sum, p) =>
        {
            p.Process.Refresh();
            return sum + p.Process.TotalProcessorTime;
        });

    private static async Task<McpClient> ConnectAsync(Uri server, int n) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(server, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer pk_bench_account_{n:D4}_000000000000" },
        }));

    private static async Task<(Process, Uri)> StartAsync(string server, Uri stub, string? redis)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = server.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet", [server, "serve", "--port", port.ToString(CultureInfo.InvariantCulture)])
            : new ProcessStartInfo(server, ["serve", "--port", port.ToString(CultureInfo.InvariantCulture)]);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        start.Environment["KLAVIYO_HTTP_ACCEPT_KLAVIYO_KEYS"] = "true";
        start.Environment["KLAVIYO_BASE_URL"] = stub.AbsoluteUri;
        start.Environment["KLAVIYO_LOG_LEVEL"] = "Warning";
        start.Environment["KLAVIYO_HTTP_MAX_CONCURRENT_CALLS"] = "64";
        if (redis is not null)
        {
            start.Environment["KLAVIYO_REDIS"] = redis;
        }

        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        var url = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(url, "/healthz"))).IsSuccessStatusCode)
                {
                    return (process, url);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"serve did not start on {url}");
    }

    private static double PeakMegabytes(Process process) =>
        File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();
}
