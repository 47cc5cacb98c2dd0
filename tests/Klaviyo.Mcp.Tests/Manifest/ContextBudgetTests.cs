using System.Globalization;
using System.Text;
using System.Text.Json;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// What the tool list costs an agent's context: the bytes of the <c>tools/list</c> result exactly as the built server writes it
/// on stdout (one minified JSON-RPC line, escapes included), every tool offered.
/// </summary>
[Trait("Category", "Process")]
public sealed class ContextBudgetTests(ITestOutputHelper output)
{
    /// <summary>The project's hard budget for the whole tools/list, every curated tool and the three that reach the whole API.</summary>
    public const int MaxToolsListBytes = 40_000;

    [Fact]
    public async Task The_tools_list_result_fits_the_context_budget()
    {
        var line = await ToolsListLineAsync();
        using var answer = JsonDocument.Parse(line);
        var result = answer.RootElement.GetProperty("result");
        var resultBytes = Encoding.UTF8.GetByteCount(result.GetRawText());
        var tools = result.GetProperty("tools").EnumerateArray()
            .Select(t => (Name: t.GetProperty("name").GetString()!, Bytes: Encoding.UTF8.GetByteCount(t.GetRawText())))
            .OrderByDescending(t => t.Bytes)
            .ToList();

        var report = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"tools/list: {resultBytes:N0} bytes in the result ({Encoding.UTF8.GetByteCount(line):N0} in the whole JSON-RPC line), {tools.Count} tools; budget {MaxToolsListBytes:N0}.\n")
            .AppendJoin('\n', tools.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Bytes,7:N0}  {t.Name}")))
            .ToString();
        output.WriteLine(report);

        Assert.True(resultBytes <= MaxToolsListBytes, report);
    }

    /// <summary>The raw stdout line that answers tools/list, from the built server run as a client runs it.</summary>
    private static async Task<string> ToolsListLineAsync()
    {
        using var stub = new KlaviyoStub();
        using var server = ServerProcess.Start(ServerProcess.Environment(stub));
        var stderr = server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string[] requests =
        [
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"budget","version":"1"}}}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
        ];
        await server.StandardInput.WriteAsync(string.Join("\n", requests) + "\n");
        await server.StandardInput.FlushAsync(TestContext.Current.CancellationToken);

        try
        {
            while (await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
            {
                using var message = JsonDocument.Parse(line);
                if (message.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 2)
                {
                    return line;
                }
            }

            throw new Xunit.Sdk.XunitException("the server closed stdout before answering tools/list: " + await stderr);
        }
        finally
        {
            server.StandardInput.Close();
            await server.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await stderr;
        }
    }
}
