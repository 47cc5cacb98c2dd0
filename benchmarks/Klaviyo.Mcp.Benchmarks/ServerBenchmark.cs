using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// The server as a client runs it: a child process over stdio. Cold start (spawn to the initialize answer), tool-call
/// overhead against a stub that answers at once, and peak memory idle and after 10,000 calls (from /proc).
/// </summary>
internal static class ServerBenchmark
{
    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""";

    public static async Task<int> RunAsync(string server, Uri stub)
    {
        var starts = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            using var process = Start(server, stub);
            var clock = Stopwatch.StartNew();
            await process.StandardInput.WriteLineAsync(Initialize);
            await process.StandardInput.FlushAsync();
            await process.StandardOutput.ReadLineAsync();
            starts.Add(clock.Elapsed.TotalMilliseconds);
            process.Kill();
            await process.WaitForExitAsync();
        }

        using var server1 = Start(server, stub);
        await server1.StandardInput.WriteLineAsync(Initialize);
        await server1.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await server1.StandardInput.FlushAsync();
        await server1.StandardOutput.ReadLineAsync();
        await Task.Delay(1000);
        var idlePeak = PeakMegabytes(server1);

        // 1,000 calls that reach the stub, paced under create_event's 350/s so that waiting for permits is not counted.
        var latencies = new List<double>();
        var id = 1;
        for (var i = 0; i < 1_000; i++)
        {
            var clock = Stopwatch.StartNew();
            Call(server1, id++, "create_event", """{"metric":{"name":"Bench"},"profile":{"email":"bench@example.com"},"value":1}""");
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var pause = 3.5 - clock.Elapsed.TotalMilliseconds;
            if (pause > 0)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(pause));
            }
        }

        // 9,000 more calls refused by validation: the whole MCP path without HTTP (real calls would be paced to 3500/min).
        for (var i = 0; i < 9_000; i++)
        {
            Call(server1, id++, "create_event", """{"metric":{"name":"Bench"},"profile":{"email":"not-an-email"}}""");
        }

        // The same operation through the curated tool and through call_operation, alternating, paced as above: the
        // difference is what the generic path (catalogue lookup, spec validation of the body) adds.
        var curated = new List<double>();
        var generic = new List<double>();
        for (var i = 0; i < 2_000; i++)
        {
            var clock = Stopwatch.StartNew();
            if (i % 2 == 0)
            {
                Call(server1, id++, "create_event", """{"metric":{"name":"Bench"},"profile":{"email":"bench@example.com"},"unique_id":"u1"}""");
                curated.Add(clock.Elapsed.TotalMilliseconds);
            }
            else
            {
                Call(server1, id++, "call_operation", """{"operation":"create_event","body":{"data":{"type":"event","attributes":{"properties":{},"unique_id":"u1","metric":{"data":{"type":"metric","attributes":{"name":"Bench"}}},"profile":{"data":{"type":"profile","attributes":{"email":"bench@example.com"}}}}}}}""");
                generic.Add(clock.Elapsed.TotalMilliseconds);
            }

            var pause = 3.5 - clock.Elapsed.TotalMilliseconds;
            if (pause > 0)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(pause));
            }
        }

        server1.StandardInput.WriteLine("{\"jsonrpc\":\"2.0\",\"id\":" + (id++).ToString(CultureInfo.InvariantCulture) + ",\"method\":\"tools/list\"}");
        server1.StandardInput.Flush();
        var toolsList = server1.StandardOutput.ReadLine() ?? "";
        var toolsListBytes = System.Text.Encoding.UTF8.GetByteCount(JsonNode.Parse(toolsList)!["result"]!.ToJsonString());

        var afterPeak = PeakMegabytes(server1);
        server1.StandardInput.Close();
        await server1.WaitForExitAsync();

        starts.Sort();
        latencies.Sort();
        curated.Sort();
        generic.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"server\":\"{Path.GetFileName(server)}\",\"cold_start_median_ms\":{starts[starts.Count / 2]:0.0},\"cold_start_min_ms\":{starts[0]:0.0}," +
            $"\"call_p50_ms\":{latencies[latencies.Count / 2]:0.000},\"call_p99_ms\":{latencies[(int)(latencies.Count * 0.99)]:0.000}," +
            $"\"peak_idle_mb\":{idlePeak:0.0},\"peak_after_10000_calls_mb\":{afterPeak:0.0}," +
            $"\"curated_create_event_p50_ms\":{curated[curated.Count / 2]:0.000},\"call_operation_create_event_p50_ms\":{generic[generic.Count / 2]:0.000}," +
            $"\"tools_list_result_bytes\":{toolsListBytes}}}"));
        return 0;
    }

    // Blocking reads and writes on the calling thread: the client adds as little as it can to what is measured.
    private static void Call(Process server, int id, string tool, string arguments)
    {
        server.StandardInput.WriteLine("{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}");
        server.StandardInput.Flush();
        while (true)
        {
            var line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the server closed stdout");
            if (JsonNode.Parse(line)?["id"] is { } got && (int)got == id)
            {
                return;
            }
        }
    }

    private static Process Start(string server, Uri stub)
    {
        var start = server.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet", [server]) : new ProcessStartInfo(server);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["KLAVIYO_API_KEY"] = "pk_benchmark_not_a_real_key_000000000";
        start.Environment["KLAVIYO_BASE_URL"] = stub.AbsoluteUri;
        start.Environment["KLAVIYO_LOG_LEVEL"] = "Warning";
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    // VmHWM: the most resident memory the process has had.
    private static double PeakMegabytes(Process process) =>
        File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();
}
