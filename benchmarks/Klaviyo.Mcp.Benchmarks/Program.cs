using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Klaviyo.Mcp;
using Klaviyo.Mcp.Tools.Import;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Benchmarks for docs/performance.md. Run them with benchmarks/run.sh; every number comes from here.
//   stub   --limited              a loopback Klaviyo in its own process (so its CPU is not counted)
//   import --rows N --stub URL    one import in a fresh process: CPU, wall time, peak memory
//   server                        the stdio server as a child process: cold start, call overhead, memory
//   startup --server EXE --baseline EMPTY   start-up page faults, time and idle memory against an empty MCP server, in one run
//   http [--baseline EMPTY] [--tool rejected|find|describe]   serve replicas under concurrent HTTP clients: requests a
//                                 second, latency, server CPU per call, memory; --tool calls, instead of create_event,
//                                 create_event with an invalid email (refused before sending: the trivial call),
//                                 find_operations (a 200-byte result) or describe_operation (3 KB), without Klaviyo
//   limiter --redis HOST:PORT     what taking a rate-limit permit costs, in process and in Redis
//   untrusted [--rounds N]        what sanitizing and marking strangers' text adds to shaping a page of 100 profiles
return args.FirstOrDefault() switch
{
    "stub" => await Stub(args.Contains("--limited")),
    "phases" => await Phases(Option("--file")),
    "server" => await Klaviyo.Mcp.Benchmarks.ServerBenchmark.RunAsync(Option("--server"), new Uri(Option("--stub"))),
    "startup" => await Klaviyo.Mcp.Benchmarks.StartupBenchmark.RunAsync(Option("--server"), Option("--baseline"), int.Parse(OptionOr("--runs", "11"), CultureInfo.InvariantCulture)),
    "untrusted" => Klaviyo.Mcp.Benchmarks.UntrustedBenchmark.Run(int.Parse(OptionOr("--rounds", "500"), CultureInfo.InvariantCulture)),
    "limiter" => await Klaviyo.Mcp.Benchmarks.LimiterBenchmark.RunAsync(Option("--redis")),
    "http" => await Klaviyo.Mcp.Benchmarks.HttpBenchmark.RunAsync(
        Option("--server"),
        new Uri(Option("--stub")),
        int.Parse(OptionOr("--replicas", "1"), CultureInfo.InvariantCulture),
        args.Contains("--redis") ? Option("--redis") : null,
        int.Parse(OptionOr("--clients", "64"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(OptionOr("--seconds", "10"), CultureInfo.InvariantCulture)),
        TimeSpan.FromMilliseconds(double.Parse(OptionOr("--pace-ms", "0"), CultureInfo.InvariantCulture)),
        args.Contains("--baseline") ? Option("--baseline") : null,
        args.Contains("--tool") ? Option("--tool") : null),
    "profiles" => await Profiles(int.Parse(Option("--rows"), CultureInfo.InvariantCulture), new Uri(Option("--stub")), Option("--folder"), args.Contains("--no-client-limit")),
    "import" => await Import(int.Parse(Option("--rows"), CultureInfo.InvariantCulture), new Uri(Option("--stub")), Option("--folder"), args.Contains("--no-client-limit")),
    _ => Usage(),
};

string Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"{name} is required");

string OptionOr(string name, string fallback) => args.Contains(name) ? Option(name) : fallback;

static int Usage()
{
    Console.Error.WriteLine("usage: stub [--limited] | import --rows N --stub URL --folder DIR [--no-client-limit] | phases --file CSV | server --server EXE_OR_DLL --stub URL" +
        " | startup --server EXE --baseline EMPTY_EXE [--runs 11] | http --server EXE_OR_DLL --stub URL [--baseline EMPTY_HTTP_EXE] [--tool rejected|find|describe] [--replicas N] [--redis HOST:PORT] [--clients 64] [--seconds 10] [--pace-ms 0] | limiter --redis HOST:PORT" +
        " | profiles --rows N --stub URL --folder DIR [--no-client-limit]");
    return 2;
}

// Where the CPU goes: each phase over the same file, cumulatively (read; +map; +validate; +pack; +serialize jobs).
static async Task<int> Phases(string file)
{
    var validator = new Klaviyo.Mcp.Tools.Events.EventArgumentsValidator(TimeProvider.System);
    var mapper = new EventRowMapper(new EventImportMapping());
    for (var round = 1; round <= 2; round++)
    for (var phase = 1; phase <= 5; phase++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await using var stream = File.OpenRead(file);
        var reader = await CsvRowReader.OpenAsync(stream, CancellationToken.None);
        var builder = new Klaviyo.Mcp.Tools.Events.BulkJobBuilder();
        long bytes = 0;
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            if (phase < 2) continue;
            var errors = new Klaviyo.Mcp.Validation.ArgumentErrors();
            var arguments = mapper.Map(row.Fields, errors);
            if (phase < 3) continue;
            var prepared = validator.Prepare(arguments, "", errors, Klaviyo.Mcp.Tools.Events.EventArgumentsValidator.ContentId("imp_", row.Content))!;
            if (phase < 4) continue;
            if (builder.TryAdd(prepared, 0).Outcome == Klaviyo.Mcp.Tools.Events.BulkAddOutcome.Full)
            {
                if (phase == 5) bytes += builder.Writer.ToArray().Length;
                builder = new Klaviyo.Mcp.Tools.Events.BulkJobBuilder();
                builder.TryAdd(prepared, 0);
            }
        }

        await reader.DisposeAsync();
        Console.WriteLine($"round {round} phase {phase}: {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.000} s CPU {bytes}");
    }

    return 0;
}

static async Task<int> Stub(bool limited)
{
    using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    listener.Listen(128);
    Console.WriteLine($"listening http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/");
    await new Klaviyo.Mcp.Benchmarks.KlaviyoStubServer(limited ? 10 : 0, limited ? 150 : 0).RunAsync(listener);
    return 0;
}

static async Task<int> Import(int rows, Uri stub, string folder, bool noClientLimit)
{
    var file = await WriteOnceAsync(Path.Combine(folder, $"events-{rows}.csv"), "email,metric,time,value,order_id,sku,channel", rows, i => string.Create(CultureInfo.InvariantCulture,
        $"customer{i % 5000}@example.com,Placed Order,2026-07-{1 + i % 28:D2}T{i % 24:D2}:{i % 60:D2}:00Z,{i % 500}.{i % 100:D2},ord-{i},SKU-{i % 300},web"));
    await using var provider = ImportServices(stub, folder, noClientLimit, "*.klaviyo-import.json");
    var importer = provider.GetRequiredService<EventImporter>();
    return await MeasureAsync(stub, "", async () =>
    {
        var result = await importer.RunAsync(file, new EventImportMapping(), dryRun: Environment.GetEnvironmentVariable("BENCH_DRY_RUN") == "1", restart: true, progress: null, CancellationToken.None);
        return string.Create(CultureInfo.InvariantCulture, $"\"rows\":{rows},\"events\":{result.Events},\"jobs\":{result.JobsSubmitted},\"invalid\":{result.InvalidRows}");
    });
}

// import_profiles over a generated CSV (email, names, location, two custom properties): CPU, wall, peak memory. The stub
// answers 202 without a job id, so jobs are not polled: this measures reading, validating, packing and sending.
static async Task<int> Profiles(int rows, Uri stub, string folder, bool noClientLimit)
{
    var file = await WriteOnceAsync(Path.Combine(folder, $"profiles-{rows}.csv"), "email,first_name,last_name,phone,city,state,zip,country,tier,points", rows, i => string.Create(CultureInfo.InvariantCulture,
        $"person{i}@example.com,First{i % 977},Last{i % 1013},+1 (500) 555-{i % 10000:D4},Boston,MA,0{2100 + i % 99},US,{(i % 3 == 0 ? "gold" : "silver")},{i % 5000}"));
    await using var provider = ImportServices(stub, folder, noClientLimit, "*.klaviyo-profile-import.json");
    var importer = provider.GetRequiredService<ProfileImporter>();
    return await MeasureAsync(stub, "profiles ", async () =>
    {
        var result = await importer.RunAsync(file, new ProfileImportMapping(), null, dryRun: false, restart: true, progress: null, CancellationToken.None);
        return string.Create(CultureInfo.InvariantCulture, $"\"rows\":{rows},\"valid\":{result.Valid},\"jobs\":{result.Jobs?.Count ?? 0},\"invalid\":{result.InvalidRows}");
    });
}

// A generated import file, written on the first run only.
static async Task<string> WriteOnceAsync(string file, string header, int rows, Func<int, string> row)
{
    if (!File.Exists(file))
    {
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync(header);
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteLineAsync(row(i));
        }
    }

    return file;
}

// The server's services for an import against the stub, its earlier checkpoints removed; without the client-side limit,
// against a stub that answers at once, it measures the import's own CPU and memory, not the 10/s and 150/min pacing.
static ServiceProvider ImportServices(Uri stub, string folder, bool noClientLimit, string checkpoints)
{
    foreach (var state in Directory.GetFiles(folder, checkpoints))
    {
        File.Delete(state);
    }

    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        [ServerSettings.ApiKeyVariable] = "pk_benchmark_not_a_real_key_000000000",
        [ServerSettings.BaseUrlVariable] = stub.AbsoluteUri,
        [ServerSettings.ImportRootsVariable] = folder,
        [ServerSettings.MaxRetryAfterVariable] = "60",
    }).Build();
    var services = new ServiceCollection();
    services.AddLogging(l => l.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
    if (noClientLimit)
    {
        services.AddSingleton(new Klaviyo.Client.RateLimiting.KlaviyoRateLimiter((_, _, _) => []));
    }

    services.AddKlaviyoMcpServer(ServerSettings.Read(configuration));
    return services.BuildServiceProvider();
}

// Runs an import and prints one line: "<jit|aot> <label>{ its figures, CPU, wall, peak memory, what the stub saw }".
static async Task<int> MeasureAsync(Uri stub, string label, Func<Task<string>> import)
{
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    var figures = await import();
    wall.Stop();
    process.Refresh();

    using var http = new HttpClient();
    var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(stub, "/stats"))).RootElement;
    var runtime = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "jit" : "aot";
    Console.Write($"{runtime} {label}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{{figures},\"cpu_seconds\":{(process.TotalProcessorTime - cpuBefore).TotalSeconds:0.000},\"wall_seconds\":{wall.Elapsed.TotalSeconds:0.000}," +
        $"\"peak_working_set_mb\":{process.PeakWorkingSet64 / 1048576.0:0.0},\"stub_requests\":{stats.GetProperty("requests").GetInt64()}," +
        $"\"stub_429s\":{stats.GetProperty("throttled").GetInt64()},\"stub_first_to_last_seconds\":{stats.GetProperty("span_seconds").GetDouble():0.000}}}"));
    return 0;
}
