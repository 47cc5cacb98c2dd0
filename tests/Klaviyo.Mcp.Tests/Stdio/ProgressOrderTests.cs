using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// A call's progress notifications all come before its result: a client forgets a call's progress token once the
/// result is in, and reports any later notification as one for an unknown token.
/// </summary>
public sealed class ProgressOrderTests
{
    [Fact]
    public async Task Every_progress_notification_of_import_events_is_written_before_its_result_over_stdio()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("orders.csv", Csv(2000));
        using var stub = new KlaviyoStub().Answer("POST", "/api/event-bulk-create-jobs", 202);
        var environment = ServerProcess.Environment(stub);
        environment[ServerSettings.ImportRootsVariable] = folder.Path;
        using var server = ServerProcess.Start(environment);
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await ExchangeAsync(server, 1, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            await SendAsync(server, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");

            for (var run = 0; run < 8; run++)
            {
                var token = $"import-{run}";
                var call = 10 + run;
                var beforeResult = await ExchangeAsync(server, call,
                    new JsonObject
                    {
                        ["jsonrpc"] = "2.0",
                        ["id"] = call,
                        ["method"] = "tools/call",
                        ["params"] = new JsonObject
                        {
                            ["name"] = "import_events",
                            ["arguments"] = new JsonObject { ["path"] = file, ["restart"] = true },
                            ["_meta"] = new JsonObject { ["progressToken"] = token },
                        },
                    }.ToJsonString());
                // A request after the result: whatever the server wrote for the call comes before this answer.
                var afterResult = await ExchangeAsync(server, 100 + run, $$"""{"jsonrpc":"2.0","id":{{100 + run}},"method":"ping"}""");

                var progress = beforeResult.Where(m => IsProgress(m, token)).Select(m => (double)m["params"]!["progress"]!).ToList();
                Assert.True(progress.Count >= 2, $"run {run}: {progress.Count} progress notifications before the result");
                Assert.Equal(100, progress[^1]);
                Assert.DoesNotContain(afterResult, m => IsProgress(m, token));
            }
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                server.Kill();
            }

            await stderr;
        }
    }

    private static bool IsProgress(JsonNode message, string token) =>
        (string?)message["method"] == "notifications/progress" && (string?)message["params"]?["progressToken"] == token;

    private static async Task SendAsync(Process server, string message)
    {
        await server.StandardInput.WriteLineAsync(message.AsMemory(), TestContext.Current.CancellationToken);
        await server.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Sends a request and reads until its answer; the messages read before the answer, in order.</summary>
    private static async Task<List<JsonNode>> ExchangeAsync(Process server, int id, string request)
    {
        await SendAsync(server, request);
        var before = new List<JsonNode>();
        while (true)
        {
            var line = await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new Xunit.Sdk.XunitException("stdout closed early");
            var message = JsonNode.Parse(line)!;
            if (message["id"] is { } answered && answered.ToJsonString() == id.ToString(System.Globalization.CultureInfo.InvariantCulture) && message["method"] is null)
            {
                Assert.Null(message["error"]);
                Assert.NotEqual(true, (bool?)message["result"]?["isError"]);
                return before;
            }

            before.Add(message);
        }
    }

    private static string Csv(int rows)
    {
        var text = new StringBuilder("email,metric,time,value,order_id\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"c{i % 97}@klaviyo-demo.com,Placed Order,2026-07-20T14:03:00Z,{i}.5,o-{i}\n");
        }

        return text.ToString();
    }
}
