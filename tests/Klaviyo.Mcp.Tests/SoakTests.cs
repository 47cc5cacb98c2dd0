using System.Diagnostics;
using Klaviyo.Client.RateLimiting;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Klaviyo.Mcp.Tests;

// Alone, after the parallel tests: it measures this process's heap, which other tests running at the same time would fill.
[Trait("Category", "Soak")]
[Collection(nameof(SoakTests))]
public sealed class SoakTests
{
    [Fact]
    public async Task Ten_thousand_calls_at_concurrency_16_all_succeed_and_memory_stays_flat()
    {
        using var stub = new KlaviyoStub(maxRequestLog: 100)
            .Answer("POST", "/api/events", 202)
            .Answer("GET", "/api/profiles", 200, """{"data":[{"type":"profile","id":"01P","attributes":{"email":"a@klaviyo-demo.com","first_name":"Ann"}}],"links":{"self":"x"}}""");

        // Klaviyo's real limits would make this take minutes (3500 events a minute); the soak is about the server, not the pacing.
        // Logs at Warning: the harness keeps every log line it is given, which would be the harness's memory, not the server's.
        await using var mcp = await McpHarness.StartAsync(stub, services: s => s.AddSingleton(new KlaviyoRateLimiter((_, _, _) => [])), logLevel: Microsoft.Extensions.Logging.LogLevel.Warning);
        var failures = 0;
        long halfway = 0;
        var clock = Stopwatch.StartNew();

        async Task RunAsync(int calls)
        {
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= calls)
                {
                    var result = next % 2 == 0
                        ? await mcp.CallAsync("create_event", """{"metric":{"name":"Soak"},"profile":{"email":"a@klaviyo-demo.com"},"value":1}""")
                        : await mcp.CallAsync("get_profiles", """{"email":"a@klaviyo-demo.com"}""");
                    if (result.IsError == true)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }));
        }

        await RunAsync(5_000);
        halfway = Memory();
        await RunAsync(5_000);
        var end = Memory();

        var message = $"10,000 calls in {clock.Elapsed.TotalSeconds:0.0} s; memory halfway {halfway / 1048576.0:0.0} MB, at the end {end / 1048576.0:0.0} MB";
        TestContext.Current.SendDiagnosticMessage(message);
        Assert.Equal(0, failures);
        Assert.True(end <= halfway * 1.10, message);
    }

    private static long Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
