using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>The real process over stdio, fed what a buggy or hostile client might send. It answers each with an error (or ignores a line that is not JSON-RPC) and keeps serving.</summary>
[Trait("Category", "Process")]
public sealed class HostileInputTests
{
    [Fact]
    public async Task Hostile_requests_get_errors_and_the_server_keeps_serving_with_bounded_memory()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var server = ServerProcess.Start(ServerProcess.Environment(stub, logLevel: "Warning"));
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Send(server, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}""");
        Assert.NotNull((await Answer(server, 1))["result"]);
        await Send(server, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        var tenMegabytes = new string('x', 10 * 1024 * 1024);
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000);
        var cases = new (string Request, string Check)[]
        {
            ("""{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}""", "error"),
            ("""{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":42,"profile":"bob"}}}""", "isError"),
            ("""{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"unique_id":""" + "\"" + tenMegabytes + "\"" + "}}}", "any"),
            ("""{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"properties":""" + deep + "}}}", "any"),
            ("""{"jsonrpc":"2.0","id":14,"method":"no/such/method"}""", "error"),
        };
        foreach (var (request, check) in cases)
        {
            await Send(server, request);
            var id = Id(request);
            var answer = await Answer(server, id);
            switch (check)
            {
                case "error":
                    Assert.NotNull(answer["error"]);
                    break;
                case "isError":
                    Assert.True((bool?)answer["result"]?["isError"] == true || answer["error"] is not null, answer.ToJsonString());
                    break;
            }

            // Malformed lines in between: not JSON, JSON that is not JSON-RPC, a truncated message.
            await Send(server, "this is not json");
            await Send(server, """{"hello":"world"}""");
            await Send(server, """{"jsonrpc":"2.0","id":99,"method":""");

            await Send(server, """{"jsonrpc":"2.0","id":1000,"method":"ping"}""");
            Assert.NotNull((await Answer(server, 1000))["result"]);
        }

        // Still serving real work, with memory bounded after a 10 MB argument and deep nesting.
        await Send(server, """{"jsonrpc":"2.0","id":2000,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"X"},"profile":{"email":"a@b.co"}}}}""");
        Assert.NotEqual(true, (bool?)(await Answer(server, 2000))["result"]!["isError"]);
        server.Refresh();
        Assert.True(server.WorkingSet64 < 400L * 1024 * 1024, $"working set {server.WorkingSet64 / 1048576} MB");

        server.StandardInput.Close();
        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("Unhandled exception", await stderr);
    }

    private static int Id(string request)
    {
        var at = request.IndexOf("\"id\":", StringComparison.Ordinal) + 5;
        var end = request.IndexOf(',', at);
        return int.Parse(request[at..end], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task Send(Process server, string line)
    {
        await server.StandardInput.WriteLineAsync(line.AsMemory(), TestContext.Current.CancellationToken);
        await server.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
    }

    // Reads stdout until the answer with this id; other lines (notifications, answers to malformed lines) are passed over.
    private static async Task<JsonNode> Answer(Process server, int id)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await server.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException($"stdout closed before the answer to {id}");
            var message = JsonNode.Parse(line)!;
            if (message["id"] is { } got && got.GetValueKind() == System.Text.Json.JsonValueKind.Number && (int)got == id)
            {
                return message;
            }
        }
    }
}
