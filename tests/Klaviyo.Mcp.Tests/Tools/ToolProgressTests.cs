using System.Collections.Concurrent;
using System.Text;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// A call's progress notifications are all written before its result even when writing one is slow: the tool waits for
/// them (<see cref="Tools.ToolProgress"/>). A client forgets the token with the result, so one written after it is lost.
/// </summary>
public sealed class ToolProgressTests
{
    [Fact]
    public async Task Slowly_written_progress_notifications_of_import_events_all_reach_the_client_before_the_result()
    {
        using var folder = new TemporaryFolder();
        var csv = new StringBuilder("email,metric,time,value,order_id\n");
        for (var i = 0; i < 2000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"c{i % 97}@klaviyo-demo.com,Placed Order,2026-07-20T14:03:00Z,{i}.5,o-{i}\n");
        }

        var file = folder.Write("orders.csv", csv.ToString());
        using var stub = new KlaviyoStub().Answer("POST", "/api/event-bulk-create-jobs", 202);
        await using var mcp = await McpHarness.StartAsync(
            stub,
            new Dictionary<string, string?> { [ServerSettings.ImportRootsVariable] = folder.Path },
            services: s => s.Configure<McpServerOptions>(options => options.Filters.Message.OutgoingFilters.Add(next => async (context, cancellationToken) =>
            {
                // A slow pipe for progress only: a notification not awaited by the tool would be overtaken by the result.
                if (context.JsonRpcMessage is JsonRpcNotification { Method: NotificationMethods.ProgressNotification })
                {
                    await Task.Delay(50, cancellationToken);
                }

                await next(context, cancellationToken);
            })));
        var received = new ConcurrentQueue<(double Progress, bool AfterResult)>();
        var returned = false;

        var result = await mcp.Client.CallToolAsync(
            "import_events",
            McpHarness.Arguments($$"""{"path":{{System.Text.Json.JsonSerializer.Serialize(file)}},"restart":true}"""),
            new RecordingProgress(value => received.Enqueue((value.Progress, Volatile.Read(ref returned)))),
            cancellationToken: TestContext.Current.CancellationToken);
        Volatile.Write(ref returned, true);
        await Task.Delay(300, TestContext.Current.CancellationToken);

        result.AssertSuccess();
        Assert.True(received.Count >= 2, $"{received.Count} progress notifications");
        Assert.All(received, r => Assert.False(r.AfterResult, $"progress {r.Progress} came after the result"));
        Assert.Equal(100, received.Last().Progress);
    }

    private sealed class RecordingProgress(Action<ProgressNotificationValue> record) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => record(value);
    }
}
