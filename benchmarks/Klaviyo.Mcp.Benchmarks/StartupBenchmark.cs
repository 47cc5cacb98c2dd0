using System.Diagnostics;
using System.Globalization;

namespace Klaviyo.Mcp.Benchmarks;

/// <summary>
/// Start-up against the floor, in one run: the server and an empty Native AOT MCP server (benchmarks/Klaviyo.Mcp.EmptyServer,
/// one echo tool) started alternately as clients start them, over stdio. For each: the time from spawn to the initialize
/// answer, the page faults the process took by then (from /proc; stable across machines, unlike times), and, after
/// initialize and tools/list, the resident memory while it idles (VmRSS, split into anonymous memory and file pages).
/// </summary>
internal static class StartupBenchmark
{
    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""";

    public static async Task<int> RunAsync(string server, string baseline, int runs)
    {
        var measured = new Dictionary<string, List<(double Ms, long Faults)>> { [server] = [], [baseline] = [] };
        for (var i = 0; i < runs; i++)
        {
            foreach (var executable in new[] { baseline, server })
            {
                using var process = Start(executable);
                var clock = Stopwatch.StartNew();
                await process.StandardInput.WriteLineAsync(Initialize);
                await process.StandardInput.FlushAsync();
                await process.StandardOutput.ReadLineAsync();
                var elapsed = clock.Elapsed.TotalMilliseconds;
                measured[executable].Add((elapsed, MinorFaults(process)));
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        var idle = new Dictionary<string, (double Rss, double Anonymous, double File)>();
        foreach (var executable in new[] { baseline, server })
        {
            using var process = Start(executable);
            await process.StandardInput.WriteLineAsync(Initialize);
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
            await process.StandardInput.FlushAsync();
            await process.StandardOutput.ReadLineAsync();
            await process.StandardOutput.ReadLineAsync();
            await Task.Delay(1500);
            idle[executable] = (Megabytes(process, "VmRSS:"), Megabytes(process, "RssAnon:"), Megabytes(process, "RssFile:"));
            process.Kill();
            await process.WaitForExitAsync();
        }

        string Line(string executable)
        {
            var starts = measured[executable].Select(m => m.Ms).Order().ToList();
            var faults = measured[executable].Select(m => m.Faults).Order().ToList();
            var (rss, anonymous, file) = idle[executable];
            return string.Create(CultureInfo.InvariantCulture,
                $"\"initialize_median_ms\":{starts[starts.Count / 2]:0.0},\"initialize_min_ms\":{starts[0]:0.0},\"page_faults_to_initialize\":{faults[faults.Count / 2]}," +
                $"\"idle_rss_mb\":{rss:0.0},\"idle_anonymous_mb\":{anonymous:0.0},\"idle_file_mb\":{file:0.0},\"binary_mb\":{new FileInfo(executable).Length / 1048576.0:0.0}");
        }

        static double Median(List<(double Ms, long Faults)> values) => values.Select(v => v.Ms).Order().ElementAt(values.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"server\":\"{Path.GetFileName(server)}\",{Line(server)},\"start_ratio_to_empty\":{Median(measured[server]) / Median(measured[baseline]):0.00}}}"));
        Console.WriteLine($"{{\"server\":\"{Path.GetFileName(baseline)}\",{Line(baseline)}}}");
        return 0;
    }

    private static Process Start(string executable)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["KLAVIYO_API_KEY"] = "pk_benchmark_not_a_real_key_000000000";
        start.Environment["KLAVIYO_BASE_URL"] = "http://127.0.0.1:9/";
        start.Environment["KLAVIYO_LOG_LEVEL"] = "Warning";
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    // /proc/PID/stat: the 10th field, after the command name in parentheses, counts the minor page faults so far.
    private static long MinorFaults(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    private static double Megabytes(Process process, string field) =>
        File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith(field, StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();
}
