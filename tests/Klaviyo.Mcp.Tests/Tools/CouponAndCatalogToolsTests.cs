using Klaviyo.Mcp.Tools.Coupons;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class CouponAndCatalogToolsTests
{
    private const string CodeJobs = "/api/coupon-code-bulk-create-jobs";

    [Fact]
    public async Task Twenty_five_hundred_codes_go_in_three_jobs_unique_from_the_alphabet_and_written_to_the_file()
    {
        using var folder = new TemporaryFolder();
        using var stub = new KlaviyoStub();
        stub.AnswerInSequence("POST", CodeJobs, Reply(202, CodeJob("j1", "queued", 0)), Reply(202, CodeJob("j2", "queued", 0)), Reply(202, CodeJob("j3", "queued", 0)));
        stub.Server.Given(Request.Create().WithPath(CodeJobs + "/*").UsingGet()).RespondWith(Response(200, CodeJob("j1", "complete", 1000)));
        await using var mcp = await StartAsync(stub, folder);
        var output = Path.Combine(folder.Path, "codes.csv");

        var result = (await mcp.CallAsync("generate_coupon_codes", $$"""{"coupon_name":"SUMMER10","count":2500,"prefix":"SUM-","output_path":"{{output}}","expires_at":"2099-01-01T00:00:00Z"}""")).AssertSuccess().StructuredContent!.Value;

        var posts = stub.Requests.Where(r => r.Method == "POST").ToList();
        var sent = posts.Select(p => p.BodyJson()["data"]!["attributes"]!["coupon-codes"]!["data"]!.AsArray()).ToList();
        Assert.Equal([1000, 1000, 500], sent.Select(s => s.Count));
        var codes = sent.SelectMany(s => s.Select(c => (string)c!["attributes"]!["unique_code"]!)).ToList();
        Assert.Equal(2500, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^SUM-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}$", c));
        Assert.Equal("SUMMER10", (string?)sent[0][0]!["relationships"]!["coupon"]!["data"]!["id"]);
        Assert.Equal("2099-01-01T00:00:00Z", (string?)sent[0][0]!["attributes"]!["expires_at"]);
        Assert.Equal(codes, File.ReadLines(output).Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(20, result.GetProperty("first_codes").GetArrayLength());
        Assert.True(result.GetProperty("completed").GetBoolean());
        Assert.Equal(3000, result.GetProperty("created").GetInt64());
    }

    [Fact]
    public async Task A_run_that_stopped_after_one_job_resumes_with_the_same_codes_and_never_generates_a_second_set()
    {
        using var folder = new TemporaryFolder();
        using (var failing = new KlaviyoStub())
        {
            failing.AnswerInSequence("POST", CodeJobs, Reply(202, CodeJob("j1", "queued", 0)), Reply(400, ErrorBody(400, "invalid", "Stopped.")));
            await using var first = await StartAsync(failing, folder);
            var error = await first.CallAsync("generate_coupon_codes", """{"coupon_id":"SUMMER10","count":2500}""");
            Assert.True(error.IsError);
            Assert.Contains("call generate_coupon_codes again", error.Text());
        }

        var file = Assert.Single(Directory.GetFiles(folder.Path, "coupon-codes-SUMMER10-*.csv"));
        var generated = File.ReadLines(file).Skip(1).Select(l => l.Split(',')[0]).ToList();
        using var stub = new KlaviyoStub();
        stub.AnswerInSequence("POST", CodeJobs, Reply(202, CodeJob("j2", "queued", 0)), Reply(202, CodeJob("j3", "queued", 0)));
        stub.Server.Given(Request.Create().WithPath(CodeJobs + "/*").UsingGet()).RespondWith(Response(200, CodeJob("j", "complete", 500)));
        await using var mcp = await StartAsync(stub, folder);

        var result = (await mcp.CallAsync("generate_coupon_codes", """{"coupon_id":"SUMMER10","count":2500}""")).AssertSuccess().StructuredContent!.Value;

        var resent = stub.Requests.Where(r => r.Method == "POST").SelectMany(p => p.BodyJson()["data"]!["attributes"]!["coupon-codes"]!["data"]!.AsArray().Select(c => (string)c!["attributes"]!["unique_code"]!)).ToList();
        Assert.Equal(generated.Skip(1000), resent);
        Assert.Equal(3, result.GetProperty("jobs").GetArrayLength());
        Assert.Contains("none generated again", result.GetProperty("note").GetString());
        Assert.Single(Directory.GetFiles(folder.Path, "coupon-codes-SUMMER10-*.csv"));
    }

    [Fact]
    public async Task A_length_too_short_for_the_count_is_refused()
    {
        using var folder = new TemporaryFolder();
        using var stub = new KlaviyoStub();
        await using var mcp = await StartAsync(stub, folder);

        var error = await mcp.CallAsync("generate_coupon_codes", """{"coupon_id":"SUMMER10","count":100000,"length":7}""");

        Assert.True(error.IsError);
        Assert.Contains("collisions would be likely; use at least 9", error.Text());
        Assert.Equal(9, CouponCodeGenerator.MinimumLength(100_000));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Coupons_are_created_by_name_and_codes_are_found_by_coupon_status_and_profile_email()
    {
        using var folder = new TemporaryFolder();
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/coupons", 201, """{"data":{"type":"coupon","id":"SUMMER10","attributes":{"external_id":"SUMMER10","description":"10% off"}}}""")
            .Answer("GET", "/api/coupons", 200, Coupons("WINTER5", "SUMMER10"))
            .Answer("GET", "/api/profiles", 200, """{"data":[{"type":"profile","id":"01PROF","attributes":{"email":"ann@klaviyo-demo.com"}}],"links":{}}""")
            .Answer("GET", "/api/coupon-codes", 200, """{"data":[{"type":"coupon-code","id":"SUMMER10-ABC","attributes":{"unique_code":"ABC","status":"ASSIGNED_TO_PROFILE"}}],"links":{}}""");
        await using var mcp = await StartAsync(stub, folder);

        (await mcp.CallAsync("create_coupon", """{"name":"SUMMER10","description":"10% off"}""")).AssertSuccess();
        var codes = (await mcp.CallAsync("get_coupon_codes", """{"coupon_name":"summer10","status":"assigned_to_profile","profile_email":"ann@klaviyo-demo.com"}""")).AssertSuccess();

        Assert.Equal("""{"data":{"type":"coupon","attributes":{"external_id":"SUMMER10","description":"10% off"}}}""", stub.Requests[0].Body);
        var query = System.Web.HttpUtility.ParseQueryString(stub.Requests.Single(r => r.Path == "/api/coupon-codes").Query);
        Assert.Equal("and(equals(coupon.id,\"SUMMER10\"),equals(status,\"ASSIGNED_TO_PROFILE\"),equals(profile.id,\"01PROF\"))", query["filter"]);
        Assert.Contains("ABC", codes.Text());
    }

    [Fact]
    public async Task An_unknown_coupon_name_is_an_argument_error_that_suggests_the_nearest_names_and_asks_for_no_codes()
    {
        using var folder = new TemporaryFolder();
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/coupons", 200, Coupons("SUMMER10", "SUMMER20", "WINTER5"))
            .Answer("GET", "/api/coupon-codes", 200, """{"data":[],"links":{}}""");
        await using var mcp = await StartAsync(stub, folder);

        var result = await mcp.CallAsync("get_coupon_codes", """{"coupon_name":"SUMER10"}""");

        Assert.True(result.IsError);
        Assert.Contains("coupon_name: no coupon is named \"SUMER10\"; nearest names: \"SUMMER10\", \"SUMMER20\"", result.Text());
        Assert.DoesNotContain("WINTER5", result.Text());
        Assert.Equal(["/api/coupons"], stub.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task A_duplicate_coupon_error_names_the_name_argument()
    {
        using var folder = new TemporaryFolder();
        using var stub = new KlaviyoStub().Answer("POST", "/api/coupons", 409,
            """{"errors":[{"id":"e1","status":409,"code":"duplicate","title":"Conflict","detail":"A coupon with this external_id already exists.","source":{"pointer":"/data/attributes/external_id"}}]}""");
        await using var mcp = await StartAsync(stub, folder);

        var result = await mcp.CallAsync("create_coupon", """{"name":"SUMMER10"}""");

        Assert.True(result.IsError);
        Assert.Contains("(argument: name)", result.Text());
    }

    [Fact]
    public async Task Catalog_items_are_filtered_in_Klaviyo_syntax_with_the_category_resolved_by_name()
    {
        using var folder = new TemporaryFolder();
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/catalog-categories", 200, """{"data":[{"type":"catalog-category","id":"$custom:::$default:::SHOES","attributes":{"name":"Shoes"}},{"type":"catalog-category","id":"$custom:::$default:::SHOES-KIDS","attributes":{"name":"Shoes for kids"}}],"links":{}}""")
            .Answer("GET", "/api/catalog-items", 200, """{"data":[{"type":"catalog-item","id":"$custom:::$default:::RUN-1","attributes":{"external_id":"RUN-1","title":"Runner","price":89.5,"published":true},"relationships":{"variants":{"data":[{"type":"catalog-variant","id":"v1"}]}}}],"included":[{"type":"catalog-variant","id":"v1","attributes":{"sku":"RUN-1-42","inventory_quantity":3,"inventory_policy":1}}],"links":{}}""")
            .Answer("GET", "/api/catalog-items/$custom:::$default:::RUN-1", 200, """{"data":{"type":"catalog-item","id":"$custom:::$default:::RUN-1","attributes":{"title":"Runner"}},"included":[{"type":"catalog-variant","id":"v1","attributes":{"sku":"RUN-1-42","inventory_quantity":3}},{"type":"catalog-variant","id":"v2","attributes":{"sku":"RUN-1-43","inventory_quantity":4}}]}""");
        await using var mcp = await StartAsync(stub, folder);

        var items = (await mcp.CallAsync("get_catalog_items", """{"title_contains":"Run","category_name":"shoes","published":true,"sort":"-created"}""")).AssertSuccess();
        var item = (await mcp.CallAsync("get_catalog_item", """{"item_id":"$custom:::$default:::RUN-1","include_variants":true}""")).AssertSuccess().StructuredContent!.Value;

        var query = System.Web.HttpUtility.ParseQueryString(stub.Requests.Single(r => r.Path == "/api/catalog-items").Query);
        Assert.Equal("and(contains(title,\"Run\"),equals(category.id,\"$custom:::$default:::SHOES\"),equals(published,true))", query["filter"]);
        Assert.Equal("-created", query["sort"]);
        Assert.Equal("variants", query["include"]);
        Assert.Equal("sku,inventory_quantity,inventory_policy", query["fields[catalog-variant]"]);
        Assert.Contains("Runner", items.Text());
        Assert.Contains("\"inventory_quantity\":3", items.Text());

        var badFields = await mcp.CallAsync("get_catalog_items", """{"fields":["title","colour"]}""");
        Assert.True(badFields.IsError);
        Assert.Contains("fields[1]: \"colour\" is not one of", badFields.Text());
        Assert.Equal(3, stub.Requests.Count(r => r.Path.StartsWith("/api/catalog-", StringComparison.Ordinal)));
        Assert.Equal(2, item.GetProperty("variants").GetArrayLength());
        Assert.Equal(7, item.GetProperty("inventory_quantity").GetDouble());
    }

    private static Func<WireMock.ResponseBuilders.IResponseBuilder, WireMock.ResponseBuilders.IResponseBuilder> Reply(int status, string body) =>
        r => r.WithStatusCode(status).WithHeader("Content-Type", "application/vnd.api+json").WithBody(body);

    private static string CodeJob(string id, string status, int completed) =>
        "{\"data\":{\"type\":\"coupon-code-bulk-create-job\",\"id\":\"" + id + "\",\"attributes\":{\"status\":\"" + status + "\",\"created_at\":\"2026-07-20T14:03:00+00:00\",\"total_count\":1000,\"completed_count\":" + completed + ",\"failed_count\":0}}}";

    private static Task<McpHarness> StartAsync(KlaviyoStub stub, TemporaryFolder folder) =>
        McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ImportRootsVariable] = folder.Path },
            services => services.AddSingleton(new BulkJobPolling { Interval = TimeSpan.FromMilliseconds(10) }));

    private static string Coupons(params string[] names) =>
        "{\"data\":[" + string.Join(",", names.Select(n => "{\"type\":\"coupon\",\"id\":\"" + n + "\",\"attributes\":{\"external_id\":\"" + n + "\"}}")) + "],\"links\":{}}";
}
