using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Testing;
using ModelContextProtocol;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class ImportEventsToolTests
{
    private const string BulkPath = "/api/event-bulk-create-jobs";

    [Fact]
    public async Task A_CSV_with_the_usual_columns_imports_with_no_mapping()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("orders.csv", "email,metric,time,value,sku,zip\nann@klaviyo-demo.com,Placed Order,2026-07-20T14:03:00Z,59.90,A-1,02134\nbob@klaviyo-demo.com,Placed Order,1784556180,12,B-2,\n");
        using var stub = new KlaviyoStub().Answer("POST", BulkPath, 202);
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess();

        var body = Assert.Single(stub.Requests).BodyJson();
        var entries = body["data"]!["attributes"]!["events-bulk-create"]!["data"]!.AsArray();
        var ann = entries[0]!["attributes"]!["events"]!["data"]![0]!["attributes"]!;
        Assert.Equal("Placed Order", (string?)ann["metric"]!["data"]!["attributes"]!["name"]);
        Assert.Equal(59.9, (double?)ann["value"]);
        Assert.Equal("""{"sku":"A-1","zip":"02134"}""", ann["properties"]!.ToJsonString());
        Assert.StartsWith("imp_", (string?)ann["unique_id"], StringComparison.Ordinal);
        var bob = entries[1]!["attributes"]!["events"]!["data"]![0]!["attributes"]!;
        Assert.Equal("2026-07-20T14:03:00+00:00", (string?)bob["time"]);
        var structured = result.StructuredContent!.Value;
        Assert.Equal(2, structured.GetProperty("events").GetInt64());
        Assert.True(structured.GetProperty("completed").GetBoolean());
        Assert.True(File.Exists(file + ".klaviyo-import.json"));
    }

    [Fact]
    public async Task A_JSON_array_cut_off_mid_file_sends_the_rows_before_the_break_and_reports_the_break_by_item()
    {
        using var folder = new TemporaryFolder();
        var events = string.Join(",", Enumerable.Range(1, 1500).Select(i => $$"""{"email":"p{{i}}@klaviyo-demo.com","metric":"Placed Order","unique_id":"o-{{i}}"}"""));
        var file = folder.Write("events.json", "[" + events + """,{"email":"cut@klaviyo-demo.com","met""");
        using var stub = new KlaviyoStub().Answer("POST", BulkPath, 202);
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess();

        Assert.DoesNotContain("nothing was sent", result.Text());
        var structured = result.StructuredContent!.Value;
        Assert.False(structured.GetProperty("completed").GetBoolean());
        Assert.Equal(1500, structured.GetProperty("events").GetInt64());
        Assert.Equal(2, structured.GetProperty("jobs_submitted").GetInt32());
        Assert.Equal(2, stub.Requests.Count);
        var broken = Assert.Single(structured.GetProperty("invalid").EnumerateArray());
        Assert.Equal(1501, broken.GetProperty("item").GetInt32());
        Assert.Contains("not valid JSON", broken.GetProperty("errors")[0].GetString());
        Assert.Contains("1,500 events from the rows before it were sent in 2 jobs", structured.GetProperty("note").GetString());
        Assert.Contains("\"completed\":false", File.ReadAllText(file + ".klaviyo-import.json").Replace(" ", ""));

        // Called again on the same broken file: the rows already sent are not sent again, and the break is reported again.
        var again = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess();
        Assert.Equal(2, stub.Requests.Count);
        Assert.False(again.StructuredContent!.Value.GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task A_dry_run_reports_invalid_rows_by_physical_line_and_sends_nothing()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("events.csv",
            "email,metric,note\n" +
            "ann@klaviyo-demo.com,Viewed,\"two\nlines\"\n" +
            "bad@,Viewed,x\n" +
            "carl@klaviyo-demo.com,,x\n" +
            "dora@klaviyo-demo.com,Viewed,x,extra\n" +
            "\"open,Viewed\n");
        using var stub = new KlaviyoStub().Answer("POST", BulkPath, 202);
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}","dry_run":true}""")).AssertSuccess();

        var structured = result.StructuredContent!.Value;
        Assert.Equal(1, structured.GetProperty("events").GetInt64());
        Assert.Equal(4, structured.GetProperty("invalid_rows").GetInt64());
        var invalid = structured.GetProperty("invalid").EnumerateArray().ToDictionary(i => i.GetProperty("line").GetInt32(), i => i.GetProperty("errors")[0].GetString());
        Assert.Equal([4, 5, 6, 7], invalid.Keys.Order());
        Assert.Contains("profile.email", invalid[4]);
        Assert.Contains("metric: is required", invalid[5]);
        Assert.Contains("different number of fields", invalid[6]);
        Assert.Contains("never closed", invalid[7]);
        Assert.Empty(stub.Requests);
        Assert.False(File.Exists(file + ".klaviyo-import.json"));
    }

    [Fact]
    public async Task JSON_Lines_and_JSON_arrays_import_with_nested_properties()
    {
        using var folder = new TemporaryFolder();
        var jsonl = folder.Write("a.jsonl", """
            {"email":"ann@klaviyo-demo.com","event":"Placed Order","value":5,"items":[{"sku":"A"}]}

            not json
            {"email":"bob@klaviyo-demo.com","event":"Placed Order"}
            """);
        var json = folder.Write("b.json", """[{"email":"ann@klaviyo-demo.com","metric":"Viewed","page":{"path":"/x"}},{"metric":"Viewed"}]""");
        using var stub = new KlaviyoStub().Answer("POST", BulkPath, 202);
        await using var mcp = await StartAsync(stub, folder);

        var lines = (await mcp.CallAsync("import_events", $$"""{"path":"{{jsonl}}"}""")).AssertSuccess().StructuredContent!.Value;
        var array = (await mcp.CallAsync("import_events", $$"""{"path":"{{json}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal(2, lines.GetProperty("events").GetInt64());
        Assert.Equal(3, lines.GetProperty("invalid")[0].GetProperty("line").GetInt32());
        Assert.Equal(1, array.GetProperty("events").GetInt64());
        Assert.Equal(2, array.GetProperty("invalid")[0].GetProperty("item").GetInt32());
        var first = stub.Requests[0].BodyJson()["data"]!["attributes"]!["events-bulk-create"]!["data"]![0]!["attributes"]!["events"]!["data"]![0]!["attributes"]!;
        Assert.Equal("""{"items":[{"sku":"A"}]}""", first["properties"]!.ToJsonString());
    }

    [Fact]
    public async Task A_429_in_the_middle_is_waited_out_and_the_import_completes()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("many.csv", Csv(2500));
        using var stub = new KlaviyoStub().AnswerInSequence("POST", BulkPath,
            r => Response(202),
            r => Response(429, ErrorBody(429, "throttled", "Request was throttled."), new Dictionary<string, string> { ["Retry-After"] = "1" }),
            r => Response(202));
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal(2500, result.GetProperty("events").GetInt64());
        Assert.Equal(3, result.GetProperty("jobs_submitted").GetInt32());
        Assert.Equal(4, stub.Requests.Count);
        Assert.Equal(2500, UniqueIds(stub.Requests.Where((_, i) => i != 1)).Distinct().Count());
    }

    [Fact]
    public async Task A_failed_import_resumes_after_the_last_acknowledged_job_without_resending_it()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("many.csv", Csv(3500));
        using var stub = new KlaviyoStub().AnswerInSequence("POST", BulkPath,
            r => Response(202),
            r => Response(202),
            r => Response(400, ErrorBody(400, "invalid", "Temporary validation outage.")),
            r => Response(202));
        await using var mcp = await StartAsync(stub, folder);

        var failed = await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""");
        Assert.True(failed.IsError);
        Assert.Contains("2,000 rows were done before this failure", failed.Text());
        Assert.Contains("call import_events again with the same path to resume", failed.Text());

        var resumed = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal(2000, resumed.GetProperty("resumed_after_rows").GetInt64());
        Assert.Equal(3500, resumed.GetProperty("events").GetInt64());
        Assert.Equal(4, resumed.GetProperty("jobs_submitted").GetInt32());
        var requests = stub.Requests;
        Assert.Equal(5, requests.Count);
        var acknowledged = UniqueIds([requests[0], requests[1], requests[3], requests[4]]);
        Assert.Equal(3500, acknowledged.Count);
        Assert.Equal(3500, acknowledged.Distinct().Count());
        Assert.Equal(UniqueIds([requests[2]]), UniqueIds([requests[3]]));
    }

    [Fact]
    public async Task A_cancelled_import_stops_after_the_job_in_flight_and_resumes_from_its_checkpoint()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("many.csv", Csv(5000));
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(BulkPath).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromMilliseconds(300)));
        await using var mcp = await StartAsync(stub, folder);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var call = mcp.CallCancellableAsync("import_events", $$"""{"path":"{{file}}"}""", cancel.Token);
        for (var i = 0; i < 500 && !File.Exists(file + ".klaviyo-import.json"); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // The job in flight when the cancellation came is finished and checkpointed; wait until the checkpoint agrees with the stub.
        long acknowledged = -1;
        var sentBeforeResume = 0;
        for (var i = 0; i < 250; i++)
        {
            await Task.Delay(40, TestContext.Current.CancellationToken);
            sentBeforeResume = stub.Requests.Count;
            acknowledged = (long)JsonNode.Parse(await File.ReadAllTextAsync(file + ".klaviyo-import.json", TestContext.Current.CancellationToken))!["acknowledged_rows"]!;
            if (acknowledged == sentBeforeResume * 1000 && !File.Exists(file + ".klaviyo-import.json.lock"))
            {
                break;
            }
        }

        Assert.Equal(sentBeforeResume * 1000, acknowledged);
        Assert.True(sentBeforeResume is >= 1 and < 5, $"{sentBeforeResume} jobs were sent before the cancellation took effect");

        var resumed = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal(5000, resumed.GetProperty("events").GetInt64());
        Assert.Equal(5, stub.Requests.Count);
        Assert.Equal(5000, UniqueIds(stub.Requests).Distinct().Count());
    }

    [Fact]
    public async Task A_completed_file_is_not_sent_again_unless_restarted_and_a_restart_reuses_the_unique_ids()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("once.csv", Csv(10));
        using var stub = new KlaviyoStub().Answer("POST", BulkPath, 202);
        await using var mcp = await StartAsync(stub, folder);

        (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess();
        var again = (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""")).AssertSuccess();
        Assert.Contains("already imported completely", again.Text());
        Assert.Single(stub.Requests);

        (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}","restart":true}""")).AssertSuccess();
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(UniqueIds([stub.Requests[0]]), UniqueIds([stub.Requests[1]]));
    }

    [Fact]
    public async Task The_client_receives_progress_notifications()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("many.csv", Csv(3000));
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(BulkPath).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromMilliseconds(200)));
        await using var mcp = await StartAsync(stub, folder);
        var notifications = new ConcurrentQueue<ProgressNotificationValue>();

        await mcp.Client.CallToolAsync("import_events", McpHarness.Arguments($$"""{"path":"{{file}}"}"""), new SynchronousProgress(notifications.Enqueue),
            cancellationToken: TestContext.Current.CancellationToken);

        // Notifications are sent as the import goes; the last ones may arrive after the result, so only those of the first jobs are awaited.
        for (var i = 0; i < 100 && notifications.Count < 2; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(notifications.Count >= 2, $"only {notifications.Count} progress notifications");
        Assert.Contains(notifications, n => n.Message!.Contains("1,000 events sent, 1 jobs done", StringComparison.Ordinal));
        Assert.All(notifications, n => Assert.Equal(100, n.Total));
    }

    [Theory]
    [InlineData("/etc/passwd.csv", "is outside the folders imports may read")]
    [InlineData("notes.txt", "is not a .csv, .jsonl or .json file")]
    [InlineData("missing.csv", "does not exist")]
    public async Task Only_csv_jsonl_and_json_files_inside_the_roots_are_read(string name, string expected)
    {
        using var folder = new TemporaryFolder();
        folder.Write("notes.txt", "x");
        using var outside = new TemporaryFolder();
        var path = name.StartsWith('/') ? outside.Write("outside.csv", "email,metric\n") : Path.Combine(folder.Path, name);
        using var stub = new KlaviyoStub();
        await using var mcp = await StartAsync(stub, folder);

        var result = await mcp.CallAsync("import_events", $$"""{"path":"{{path}}"}""");

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_mapping_names_columns_and_missing_ones_are_errors_that_list_the_header()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("crm.csv", "Customer Email,Amount,Sku\nann@klaviyo-demo.com,5,A\n");
        using var stub = new KlaviyoStub().Answer("POST", BulkPath, 202);
        await using var mcp = await StartAsync(stub, folder);

        var missing = await mcp.CallAsync("import_events", $$"""{"path":"{{file}}"}""");
        Assert.True(missing.IsError);
        Assert.Contains("metric_column: the file has no metric column", missing.Text());
        Assert.Contains("email_column: the file has no profile identifier column", missing.Text());

        var wrong = await mcp.CallAsync("import_events", $$"""{"path":"{{file}}","metric_name":"Placed Order","email_column":"E-mail"}""");
        Assert.Contains("email_column: the file has no column \"E-mail\"; its columns are Customer Email, Amount, Sku", wrong.Text());

        (await mcp.CallAsync("import_events", $$"""{"path":"{{file}}","metric_name":"Placed Order","email_column":"Customer Email","value_column":"Amount","property_columns":["Sku"]}""")).AssertSuccess();
        var attributes = Assert.Single(stub.Requests).BodyJson()["data"]!["attributes"]!["events-bulk-create"]!["data"]![0]!["attributes"]!["events"]!["data"]![0]!["attributes"]!;
        Assert.Equal(5, (double?)attributes["value"]);
        Assert.Equal("""{"Sku":"A"}""", attributes["properties"]!.ToJsonString());
    }

    private static Task<McpHarness> StartAsync(KlaviyoStub stub, TemporaryFolder folder) =>
        McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ImportRootsVariable] = folder.Path });

    private static string Csv(int rows)
    {
        var text = new StringBuilder("email,metric,time,value,order_id\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"c{i % 97}@klaviyo-demo.com,Placed Order,2026-07-20T14:03:00Z,{i}.5,o-{i}\n");
        }

        return text.ToString();
    }

    private static List<string> UniqueIds(IEnumerable<RecordedRequest> requests) =>
        [.. requests.SelectMany(r => r.BodyJson()["data"]!["attributes"]!["events-bulk-create"]!["data"]!.AsArray()
            .SelectMany(e => e!["attributes"]!["events"]!["data"]!.AsArray().Select(ev => (string)ev!["attributes"]!["unique_id"]!)))];

    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
