using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Testing;
using ModelContextProtocol.Client;

namespace Klaviyo.Mcp.Tests;

/// <summary>The built server as a separate process over stdio, as Claude Desktop, VS Code or Inspector run it.</summary>
[Trait("Category", "Process")]
public sealed class StdioEndToEndTests
{
    [Fact]
    public async Task The_official_client_lists_the_tools_and_creates_an_event()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        var stderr = new List<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "klaviyo",
            Command = "dotnet",
            Arguments = [ServerProcess.Dll],
            EnvironmentVariables = ServerProcess.Environment(stub),
            StandardErrorLines = line => { lock (stderr) { stderr.Add(line); } },
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("klaviyo-mcp", client.ServerInfo?.Name);
        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(tools, t => t.Name == "create_event");

        var result = await client.CallToolAsync(
            "create_event",
            McpHarness.Arguments("""{"metric":{"name":"Placed Order"},"profile":{"email":"sarah.mason@klaviyo-demo.com"},"value":12.5,"unique_id":"e2e-1"}"""),
            cancellationToken: TestContext.Current.CancellationToken);

        result.AssertSuccess();
        Assert.Equal("e2e-1", result.StructuredContent!.Value.GetProperty("unique_id").GetString());
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, request.Header("Authorization"));
        Assert.StartsWith("klaviyo-mcp/", request.Header("User-Agent"), StringComparison.Ordinal);
        lock (stderr)
        {
            Assert.DoesNotContain(stderr, line => line.Contains(KlaviyoStub.ApiKey, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_client_that_writes_its_requests_and_closes_stdin_gets_every_answer_and_the_server_exits_0()
    {
        // Klaviyo answers slowly, so stdin reaches its end while the calls are still running.
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/events").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromMilliseconds(1500)));
        using var server = ServerProcess.Start(ServerProcess.Environment(stub));
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        string[] requests =
        [
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
            """{"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"Placed Order"},"profile":{"email":"a@klaviyo-demo.com"}}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"Placed Order"},"profile":{"email":"b@klaviyo-demo.com"}}}}""",
        ];
        await server.StandardInput.WriteAsync(string.Join("\n", requests) + "\n");
        server.StandardInput.Close();

        var output = await server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await server.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["\"three\"", "1", "2", "4"], answers.Select(a => a["id"]!.ToJsonString()).Order(StringComparer.Ordinal));
        Assert.All(answers.Where(a => a["id"]!.ToJsonString() is "\"three\"" or "4"), a => Assert.NotEqual(true, (bool?)a["result"]!["isError"]));
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(0, server.ExitCode);
        await stderr;
    }

    [Fact]
    public async Task Stdout_carries_nothing_but_JSON_RPC_even_at_Trace_level()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var server = ServerProcess.Start(ServerProcess.Environment(stub, logLevel: "Trace"));
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        string[] requests =
        [
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"Placed Order"},"profile":{"email":"a@b.co"}}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"create_event","arguments":{"metric":{"name":"Placed Order"},"profile":{"email":"bob@"}}}}""",
            """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}""",
        ];
        var lines = new List<string>();
        foreach (var request in requests)
        {
            await server.StandardInput.WriteLineAsync(request.AsMemory(), TestContext.Current.CancellationToken);
            await server.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            if (JsonNode.Parse(request)!["id"] is { } id)
            {
                // Read until the answer to this request has come; everything read on the way must be JSON-RPC too.
                while (true)
                {
                    var line = await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) ?? throw new Xunit.Sdk.XunitException("stdout closed early");
                    lines.Add(line);
                    if (JsonNode.Parse(line)?["id"]?.ToJsonString() == id.ToJsonString())
                    {
                        break;
                    }
                }
            }
        }

        server.StandardInput.Close();
        lines.AddRange((await server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(20)), "the server did not exit when stdin closed");
        Assert.Equal(0, server.ExitCode);

        foreach (var line in lines)
        {
            JsonNode? message = null;
            var parsed = Record.Exception(() => message = JsonNode.Parse(line));
            Assert.True(parsed is null && message is JsonObject, "stdout carried a line that is not a JSON object: " + line);
            Assert.Equal("2.0", (string?)message!["jsonrpc"]);
        }

        var byId = lines.Select(l => JsonNode.Parse(l)!).Where(m => m["id"] is not null).ToDictionary(m => (int)m["id"]!);
        Assert.Equal("klaviyo-mcp", (string?)byId[1]["result"]!["serverInfo"]!["name"]);
        Assert.NotEqual(true, (bool?)byId[3]["result"]!["isError"]);
        Assert.True((bool?)byId[4]["result"]!["isError"]);
        Assert.True(byId[5]["error"] is not null || (bool?)byId[5]["result"]?["isError"] == true, "an unknown tool must be answered with an error");

        var log = await stderr;
        Assert.Contains("trce:", log, StringComparison.Ordinal);
        Assert.DoesNotContain(KlaviyoStub.ApiKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain(KlaviyoStub.ApiKey, string.Join('\n', lines), StringComparison.Ordinal);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task SIGTERM_ends_the_session_and_the_process_exits_cleanly()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "signals are POSIX");
        using var stub = new KlaviyoStub();
        using var server = ServerProcess.Start(ServerProcess.Environment(stub));
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await server.StandardInput.WriteLineAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""".AsMemory(),
            TestContext.Current.CancellationToken);
        await server.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"serverInfo\"", await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        // stdin is still open: only the signal can have ended it.
        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(20)), "the server did not exit on SIGTERM");
        Assert.Equal(0, server.ExitCode);
        Assert.Equal("", await server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain("Unhandled exception", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unusable_variable_stops_the_server_with_a_message_on_stderr_and_nothing_on_stdout()
    {
        using var stub = new KlaviyoStub();
        var environment = ServerProcess.Environment(stub);
        environment[ServerSettings.RevisionVariable] = "latest";
        using var server = ServerProcess.Start(environment);

        var stdout = await server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(20)));

        Assert.Equal(2, server.ExitCode);
        Assert.Equal("", stdout);
        Assert.Contains("KLAVIYO_REVISION: \"latest\" is not a Klaviyo revision", stderr);
    }
}
