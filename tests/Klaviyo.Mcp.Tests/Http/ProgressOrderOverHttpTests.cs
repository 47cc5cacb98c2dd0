using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// Over <c>serve</c> (stateless Streamable HTTP) a call's progress notifications travel in the SSE body of its own
/// POST, and all of them come before its result: a notification written after the result is lost (the stream is
/// done) or reaches a client that has already forgotten the token. Read from the raw response body, in wire order.
/// </summary>
[Trait("Category", "Http")]
public sealed class ProgressOrderOverHttpTests
{
    [Fact]
    public async Task Every_progress_notification_of_import_events_is_in_the_response_body_before_its_result()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("orders.csv", Csv(2000));
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/event-bulk-create-jobs").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromMilliseconds(20)));
        await using var server = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?>
        {
            [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true",
            [HttpServeSettings.AllowImportsVariable] = "true",
            [ServerSettings.ImportRootsVariable] = folder.Path,
        }, Microsoft.Extensions.Logging.LogLevel.Warning);
        using var http = new HttpClient();

        for (var run = 0; run < 8; run++)
        {
            var token = $"import-{run}";
            var messages = await CallAsync(http, server.McpUrl, run, token, new JsonObject { ["path"] = file, ["restart"] = true });

            var result = messages.FindIndex(m => m["id"] is { } id && (int)id == run && m["method"] is null);
            Assert.True(result >= 0, $"run {run}: no result in the body");
            Assert.Null(messages[result]["error"]);
            Assert.NotEqual(true, (bool?)messages[result]["result"]?["isError"]);
            var progress = messages.Select((m, i) => (Message: m, Index: i)).Where(p => IsProgress(p.Message, token)).ToList();
            Assert.True(progress.Count >= 2, $"run {run}: {progress.Count} progress notifications in the body");
            Assert.All(progress, p => Assert.True(p.Index < result, $"run {run}: progress {(double)p.Message["params"]!["progress"]!} at {p.Index}, after the result at {result}"));
            Assert.Equal(100, (double)progress[^1].Message["params"]!["progress"]!);
            Assert.Equal(messages.Count - 1, result);
        }
    }

    private static bool IsProgress(JsonNode message, string token) =>
        (string?)message["method"] == "notifications/progress" && (string?)message["params"]?["progressToken"] == token;

    /// <summary>POSTs one <c>tools/call</c> of import_events with <paramref name="token"/> and returns every JSON-RPC message of the SSE body, in order.</summary>
    private static async Task<List<JsonNode>> CallAsync(HttpClient http, Uri mcp, int id, string token, JsonObject arguments)
    {
        var call = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "tools/call",
            ["params"] = new JsonObject
            {
                ["name"] = "import_events",
                ["arguments"] = arguments,
                ["_meta"] = new JsonObject { ["progressToken"] = token },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, mcp)
        {
            Content = new StringContent(call.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", KlaviyoStub.ApiKey);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var messages = new List<JsonNode>();
        foreach (var block in body.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = string.Join('\n', block.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].TrimStart()));
            if (data.Length > 0)
            {
                messages.Add(JsonNode.Parse(data)!);
            }
        }

        return messages;
    }

    private static string Csv(int rows)
    {
        var text = new StringBuilder("email,metric,time,value,order_id\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"c{i % 97}@klaviyo-demo.com,Placed Order,2026-07-20T14:03:00Z,{i}.5,o-{i}\n");
        }

        return text.ToString();
    }
}
