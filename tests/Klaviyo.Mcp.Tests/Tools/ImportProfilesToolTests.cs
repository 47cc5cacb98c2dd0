using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class ImportProfilesToolTests
{
    private const string JobsPath = "/api/profile-bulk-import-jobs";

    [Fact]
    public async Task Twenty_five_thousand_rows_go_in_three_jobs_added_to_the_list_and_every_job_is_polled_to_its_counts()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("people.csv", Csv(25_000));
        using var stub = new KlaviyoStub();
        AcceptJobs(stub, "job-1", "job-2", "job-3");
        stub.AnswerInSequence("GET", JobsPath + "/job-1", Reply(200, Job("job-1", "processing", 0, 0)), Reply(200, Job("job-1", "complete", 10_000, 0)));
        stub.Answer("GET", JobsPath + "/job-2", 200, Job("job-2", "complete", 10_000, 0));
        stub.Answer("GET", JobsPath + "/job-3", 200, Job("job-3", "complete", 5_000, 0));
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}","list_id":"Y6nRLr"}""")).AssertSuccess().StructuredContent!.Value;

        var posts = stub.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal([10_000, 10_000, 5_000], posts.Select(p => p.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Count));
        Assert.All(posts, p => Assert.Equal("Y6nRLr", (string?)p.BodyJson()["data"]!["relationships"]!["lists"]!["data"]![0]!["id"]));
        var first = posts[0].BodyJson()["data"]!["attributes"]!["profiles"]!["data"]![0]!["attributes"]!;
        Assert.Equal("p0@klaviyo-demo.com", (string?)first["email"]);
        Assert.Equal("Ann", (string?)first["first_name"]);
        Assert.Equal("02134", (string?)first["location"]!["zip"]);
        Assert.Equal("""{"tier":"gold","points":0}""", first["properties"]!.ToJsonString());
        Assert.True(result.GetProperty("completed").GetBoolean());
        Assert.Equal(25_000, result.GetProperty("valid").GetInt64());
        Assert.Equal(25_000, result.GetProperty("completed_count").GetInt64());
        Assert.Equal(3, result.GetProperty("jobs").GetArrayLength());
        Assert.Equal(2, stub.Requests.Count(r => r.Path == JobsPath + "/job-1"));

        // Called again: nothing is sent again.
        var again = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}","list_id":"Y6nRLr"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal(3, stub.Requests.Count(r => r.Method == "POST"));
        Assert.Contains("already imported", again.GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_JSON_array_cut_off_mid_file_imports_the_profiles_before_the_break_and_reports_the_break_by_item()
    {
        using var folder = new TemporaryFolder();
        var profiles = string.Join(",", Enumerable.Range(1, 12).Select(i => $$"""{"email":"p{{i}}@klaviyo-demo.com"}"""));
        var file = folder.Write("people.json", "[" + profiles + """,{"email":"cut@klaviyo-de""");
        using var stub = new KlaviyoStub();
        AcceptJobs(stub, "job-1");
        stub.Answer("GET", JobsPath + "/job-1", 200, Job("job-1", "complete", 12, 0));
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        var post = Assert.Single(stub.Requests, r => r.Method == "POST");
        Assert.Equal(12, post.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Count);
        Assert.False(result.GetProperty("completed").GetBoolean());
        var broken = Assert.Single(result.GetProperty("invalid").EnumerateArray());
        Assert.Equal(13, broken.GetProperty("item").GetInt32());
        Assert.Contains("not valid JSON", broken.GetProperty("errors")[0].GetString());
        Assert.Contains("could not be read", result.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Jobs_are_split_before_five_megabytes()
    {
        using var folder = new TemporaryFolder();
        var big = new string('x', 90_000);
        var file = folder.Write("big.jsonl", string.Join("\n", Enumerable.Range(0, 120).Select(i => $$"""{"email":"b{{i}}@klaviyo-demo.com","notes":"{{big}}"}""")));
        using var stub = new KlaviyoStub();
        AcceptJobs(stub, "job-a", "job-b", "job-c");
        stub.Server.Given(Request.Create().WithPath(JobsPath + "/*").UsingGet()).RespondWith(Response(200, Job("job-a", "complete", 1, 0)));
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        var posts = stub.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(3, posts.Count);
        Assert.All(posts, p => Assert.True(Encoding.UTF8.GetByteCount(p.Body!) <= 5_000_000));
        Assert.Equal(120, posts.Sum(p => p.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Count));
        Assert.Null(posts[0].BodyJson()["data"]!["relationships"]);
        Assert.Equal(120, result.GetProperty("valid").GetInt64());
    }

    [Fact]
    public async Task Bad_and_repeated_rows_are_reported_by_line_and_a_dry_run_sends_nothing()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("mixed.csv",
            "Email Address,Phone,Company,State,lat,note\n" +
            "ann@klaviyo-demo.com,+1 (500) 555-0006,Acme,MA,42.3,\"two\nlines\"\n" +
            "bad@,,,,,\n" +
            ",,NoId,,,\n" +
            "ANN@klaviyo-demo.com,,,,,again\n" +
            "dora@klaviyo-demo.com,0044 20 7946 0958,,,91,\n" +
            "eve@klaviyo-demo.com,,,,,x,extra\n");
        using var stub = new KlaviyoStub();
        await using var mcp = await StartAsync(stub, folder);

        var dry = (await mcp.CallAsync("import_profiles", $$$"""{"path":"{{{file}}}","dry_run":true,"mapping":{"email":"Email Address","latitude":"lat"}}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Empty(stub.Requests);
        Assert.Equal(1, dry.GetProperty("valid").GetInt64());
        Assert.Equal(4, dry.GetProperty("invalid_rows").GetInt64());
        Assert.Equal(1, dry.GetProperty("duplicate_rows").GetInt64());
        var invalid = dry.GetProperty("invalid").EnumerateArray().ToDictionary(i => i.GetProperty("line").GetInt32(), i => string.Join("; ", i.GetProperty("errors").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal([4, 5, 6, 7, 8], invalid.Keys.Order());
        Assert.Contains("email", invalid[4]);
        Assert.Contains("identifier", invalid[5]);
        Assert.Contains("line 2", invalid[6]);
        Assert.Contains("latitude", invalid[7]);
        Assert.Contains("different number of fields", invalid[8]);
        Assert.False(File.Exists(file + ".klaviyo-profile-import.json"));

        // Sent for real, the valid row carries the normalised phone and the mapped columns.
        stub.Answer("POST", JobsPath, 202, Job("job-1", "queued", 0, 0)).Answer("GET", JobsPath + "/job-1", 200, Job("job-1", "complete", 1, 0));
        (await mcp.CallAsync("import_profiles", $$$"""{"path":"{{{file}}}","mapping":{"email":"Email Address","latitude":"lat"}}""")).AssertSuccess();
        var ann = stub.Requests.Single(r => r.Method == "POST").BodyJson()["data"]!["attributes"]!["profiles"]!["data"]![0]!["attributes"]!;
        Assert.Equal("+15005550006", (string?)ann["phone_number"]);
        Assert.Equal("Acme", (string?)ann["organization"]);
        Assert.Equal("MA", (string?)ann["location"]!["region"]);
        Assert.Equal(42.3, (double?)ann["location"]!["latitude"]);
        Assert.Equal("""{"note":"two\nlines"}""", ann["properties"]!.ToJsonString());
    }

    [Fact]
    public async Task Klaviyo_import_errors_are_mapped_back_to_file_lines()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("people.csv", "email,first_name\na@klaviyo-demo.com,A\nbad-row@,B\nb@klaviyo-demo.com,B\nc@klaviyo-demo.com,C\n");
        using var stub = new KlaviyoStub();
        AcceptJobs(stub, "job-1");
        stub.Answer("GET", JobsPath + "/job-1", 200, Job("job-1", "complete", 2, 1));
        stub.Answer("GET", JobsPath + "/job-1/import-errors", 200,
            """{"data":[{"type":"import-error","id":"e1","attributes":{"code":"invalid","title":"Invalid input.","detail":"The profile could not be imported.","source":{"pointer":"/data/attributes/profiles/data/2/attributes/email"},"original_payload":{"email":"c@klaviyo-demo.com"}}}],"links":{"self":"x","next":null}}""");
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal(3, result.GetProperty("valid").GetInt64());
        Assert.Equal(3, result.GetProperty("invalid")[0].GetProperty("line").GetInt32());
        var failed = Assert.Single(result.GetProperty("failed").EnumerateArray());
        Assert.Equal(5, failed.GetProperty("line").GetInt32());
        Assert.Contains("could not be imported", failed.GetProperty("errors")[0].GetString());
        Assert.Equal(1, result.GetProperty("failed_count").GetInt64());
        Assert.Equal(2, result.GetProperty("completed_count").GetInt64());
    }

    [Fact]
    public async Task A_cancelled_import_resumes_after_the_last_accepted_job_without_sending_it_again()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("people.csv", Csv(25_000));
        using var stub = new KlaviyoStub();
        stub.Server.Given(Request.Create().WithPath(JobsPath).UsingPost())
            .RespondWith(Response(202, Job("job-x", "queued", 0, 0)).WithDelay(TimeSpan.FromMilliseconds(300)));
        stub.Answer("GET", JobsPath + "/job-x", 200, Job("job-x", "complete", 10_000, 0));
        await using var mcp = await StartAsync(stub, folder);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var state = file + ".klaviyo-profile-import.json";

        var call = mcp.CallCancellableAsync("import_profiles", $$"""{"path":"{{file}}"}""", cancel.Token);
        for (var i = 0; i < 500 && !File.Exists(state); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var jobs = 0;
        for (var i = 0; i < 250; i++)
        {
            await Task.Delay(40, TestContext.Current.CancellationToken);
            jobs = JsonNode.Parse(await File.ReadAllTextAsync(state, TestContext.Current.CancellationToken))!["jobs"]!.AsArray().Count;
            if (jobs == stub.Requests.Count(r => r.Method == "POST") && !File.Exists(state + ".lock"))
            {
                break;
            }
        }

        Assert.True(jobs is >= 1 and < 3, $"{jobs} jobs were accepted before the cancellation took effect");

        var resumed = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        var emails = stub.Requests.Where(r => r.Method == "POST")
            .SelectMany(r => r.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Select(p => (string)p!["attributes"]!["email"]!)).ToList();
        Assert.Equal(25_000, emails.Count);
        Assert.Equal(25_000, emails.Distinct().Count());
        Assert.True(resumed.GetProperty("completed").GetBoolean());
        Assert.Equal(3, resumed.GetProperty("jobs").GetArrayLength());
        Assert.Equal(jobs * 10_000, resumed.GetProperty("resumed_after_rows").GetInt64());
    }

    [Fact]
    public async Task A_run_stopped_while_jobs_were_processing_collects_their_results_later_without_sending_them_again()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("people.jsonl", string.Join("\n", Enumerable.Range(0, 50).Select(i => $$"""{"email":"p{{i}}@klaviyo-demo.com"}""")));
        using var stub = new KlaviyoStub();
        AcceptJobs(stub, "job-1");
        stub.AnswerInSequence("GET", JobsPath + "/job-1",
            Reply(200, Job("job-1", "processing", 0, 0)),
            Reply(200, Job("job-1", "processing", 0, 0)),
            Reply(200, Job("job-1", "processing", 0, 0)),
            Reply(200, Job("job-1", "complete", 50, 0)));

        // The first server gives up polling (as a killed one stops): the accepted job is in the checkpoint.
        await using (var stopped = await StartAsync(stub, folder, new BulkJobPolling { Interval = TimeSpan.FromMilliseconds(20), MaxWait = TimeSpan.FromMilliseconds(1) }))
        {
            var error = await stopped.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""");
            Assert.True(error.IsError);
            Assert.Contains("call import_profiles again later", error.Text());
        }

        await using var mcp = await StartAsync(stub, folder);
        var result = (await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Single(stub.Requests, r => r.Method == "POST");
        Assert.True(result.GetProperty("completed").GetBoolean());
        Assert.Equal(50, result.GetProperty("completed_count").GetInt64());
        Assert.Equal("complete", result.GetProperty("jobs")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_mapping_naming_a_missing_column_or_an_unknown_field_is_refused_before_anything_is_read()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("p.csv", "mail,name\na@klaviyo-demo.com,A\n");
        using var stub = new KlaviyoStub();
        await using var mcp = await StartAsync(stub, folder);

        var unknown = await mcp.CallAsync("import_profiles", $$$"""{"path":"{{{file}}}","mapping":{"nickname":"name"}}""");
        var missing = await mcp.CallAsync("import_profiles", $$"""{"path":"{{file}}"}""");

        Assert.True(unknown.IsError);
        Assert.Contains("mapping.nickname", unknown.Text());
        Assert.True(missing.IsError);
        Assert.Contains("no identifier column", missing.Text());
        Assert.Empty(stub.Requests);
    }

    private static void AcceptJobs(KlaviyoStub stub, params string[] ids) =>
        _ = ids.Length == 1 ? stub.Answer("POST", JobsPath, 202, Job(ids[0], "queued", 0, 0)) : stub.AnswerInSequence("POST", JobsPath, [.. ids.Select(id => Reply(202, Job(id, "queued", 0, 0)))]);

    private static Func<WireMock.ResponseBuilders.IResponseBuilder, WireMock.ResponseBuilders.IResponseBuilder> Reply(int status, string body) =>
        r => r.WithStatusCode(status).WithHeader("Content-Type", "application/vnd.api+json").WithBody(body);

    private static string Job(string id, string status, int completed, int failed) =>
        "{\"data\":{\"type\":\"profile-bulk-import-job\",\"id\":\"" + id + "\",\"attributes\":{\"status\":\"" + status + "\",\"created_at\":\"2026-07-20T14:03:00+00:00\",\"total_count\":" + (completed + failed) + ",\"completed_count\":" + completed + ",\"failed_count\":" + failed + "}}}";

    private static Task<McpHarness> StartAsync(KlaviyoStub stub, TemporaryFolder folder, BulkJobPolling? polling = null) =>
        McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ImportRootsVariable] = folder.Path },
            services => services.AddSingleton(polling ?? new BulkJobPolling { Interval = TimeSpan.FromMilliseconds(10) }));

    private static string Csv(int rows)
    {
        var text = new StringBuilder("email,first_name,zip,tier,points\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"p{i}@klaviyo-demo.com,Ann,02134,gold,{i}\n");
        }

        return text.ToString();
    }
}
