using System.Text.Json.Nodes;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;
using WireMock.ResponseBuilders;

namespace Klaviyo.Mcp.Tests;

public sealed class ListToolsTests
{
    private const string ListBody = """{"data":{"type":"list","id":"Y6nRLr","attributes":{"name":"Newsletter","opt_in_process":"single_opt_in","created":"2026-11-22T10:00:00+00:00"},"links":{"self":"x"}}}""";

    [Fact]
    public async Task Get_lists_by_name_sends_an_equals_filter_and_pages_with_the_cursor()
    {
        using var stub = new KlaviyoStub();
        var account = new FakeKlaviyoAccount(stub);
        for (var i = 0; i < 13; i++)
        {
            account.AddList($"List {i}");
        }

        await using var mcp = await McpHarness.StartAsync(stub);

        var byName = (await mcp.CallAsync("get_lists", """{"name":"List 7"}""")).AssertSuccess();
        Assert.Equal("?filter=equals%28name%2C%22List%207%22%29", stub.Requests[0].Query);
        Assert.Equal("List 7", byName.StructuredContent!.Value.GetProperty("items")[0].GetProperty("name").GetString());

        var first = (await mcp.CallAsync("get_lists", "{}")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal(10, first.GetProperty("items").GetArrayLength());
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = (await mcp.CallAsync("get_lists", $$"""{"cursor":"{{cursor}}"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("c10", stub.Requests[^1].Parameter("page[cursor]"));
        Assert.Equal(3, second.GetProperty("items").GetArrayLength());
        Assert.False(second.TryGetProperty("next_cursor", out _));
    }

    [Fact]
    public async Task Get_list_asks_for_the_profile_count_only_when_told()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/lists/Y6nRLr", 200, ListBody);
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("get_list", """{"id":"Y6nRLr","include_profile_count":true}""")).AssertSuccess();
        var plain = (await mcp.CallAsync("get_list", """{"id":"Y6nRLr"}""")).AssertSuccess();

        Assert.Equal("?additional-fields[list]=profile_count", stub.Requests[0].Query);
        Assert.Equal("", stub.Requests[1].Query);
        Assert.Equal("""{"id":"Y6nRLr","name":"Newsletter","opt_in_process":"single_opt_in","created":"2026-11-22T10:00:00+00:00"}""", plain.Text());
    }

    [Fact]
    public async Task Create_update_and_delete_send_the_documented_requests()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/lists", 201, ListBody)
            .Answer("PATCH", "/api/lists/Y6nRLr", 200, ListBody)
            .Answer("DELETE", "/api/lists/Y6nRLr", 204);
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("create_list", """{"name":"Newsletter","opt_in_process":"single_opt_in"}""")).AssertSuccess();
        (await mcp.CallAsync("update_list", """{"id":"Y6nRLr","name":"Newsletter (renamed)"}""")).AssertSuccess();
        var deleted = (await mcp.CallAsync("delete_list", """{"id":"Y6nRLr"}""")).AssertSuccess();

        var requests = stub.Requests;
        Assert.Equal(["POST /api/lists", "PATCH /api/lists/Y6nRLr", "DELETE /api/lists/Y6nRLr"], requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "klaviyo", "examples", "create_list.json"))), requests[0].BodyJson()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "klaviyo", "examples", "update_list.json"))), requests[1].BodyJson()));
        Assert.True(string.IsNullOrEmpty(requests[2].Body));
        Assert.Equal("""{"id":"Y6nRLr","deleted":true}""", deleted.Text());
    }

    public static readonly TheoryData<string> AmbiguousFailures = ["timeout", "dropped connection", "503"];

    [Theory]
    [MemberData(nameof(AmbiguousFailures))]
    public async Task Delete_list_repeated_after_an_ambiguous_failure_and_then_answered_404_says_deleted(string failure)
    {
        // The first attempt may have deleted the list before its answer was lost, so the repeat's 404 means it is gone.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var notFound = KlaviyoStub.ErrorBody(404, "not_found", "A list with id L1 does not exist.");
        using var stub = new KlaviyoStub();
        using var dropping = new MidBodyResetServer(resets: 1, notFound, status: 404, cutStatus: 200);
        var unanswered = new TaskCompletionSource();
        if (failure == "timeout")
        {
            // The first attempt is never answered (until the test ends); the repeat is.
            var attempts = 0;
            stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/lists/L1").UsingDelete()).RespondWith(Response.Create().WithCallback(async _ =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    await unanswered.Task;
                }

                return new WireMock.ResponseMessage { StatusCode = 404 };
            }));
        }
        else if (failure == "503")
        {
            stub.AnswerInSequence(
                "DELETE",
                "/api/lists/L1",
                r => r.WithStatusCode(503),
                r => r.WithStatusCode(404).WithHeader("Content-Type", "application/vnd.api+json").WithBody(notFound));
        }

        // A dropped connection: the first answer breaks off mid-body, the repeat gets the whole 404.
        var klaviyo = failure == "dropped connection" ? dropping.Url : stub.Url;
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.BaseUrlVariable] = klaviyo.AbsoluteUri }, services: s => s.AddSingleton<TimeProvider>(clock));

        var result = (await CallAdvancingAsync(mcp, clock, "delete_list", """{"id":"L1"}""")).AssertSuccess();

        unanswered.SetResult();
        Assert.Equal("""{"id":"L1","deleted":true}""", result.Text());
        // An unanswered attempt leaves no entry in the stub's log.
        if (failure != "timeout")
        {
            Assert.Equal(["DELETE /api/lists/L1", "DELETE /api/lists/L1"], failure == "503" ? stub.Requests.Select(r => $"{r.Method} {r.Path}") : dropping.Requests);
        }
    }

    [Fact]
    public async Task Delete_list_answered_404_at_once_says_not_found()
    {
        using var stub = new KlaviyoStub().Answer("DELETE", "/api/lists/L1", 404, KlaviyoStub.ErrorBody(404, "not_found", "A list with id L1 does not exist."));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("delete_list", """{"id":"L1"}""");

        Assert.True(result.IsError);
        Assert.Contains("does not exist", result.Text());
        Assert.DoesNotContain("\"deleted\"", result.Text());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Delete_list_answered_429_then_404_says_not_found()
    {
        // A 429 says Klaviyo did not process the first attempt: the 404 that follows is the list's own answer.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stub = new KlaviyoStub().AnswerInSequence(
            "DELETE",
            "/api/lists/L1",
            r => r.WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/vnd.api+json").WithBody(KlaviyoStub.ErrorBody(429, "throttled", "Request was throttled.")),
            r => r.WithStatusCode(404).WithHeader("Content-Type", "application/vnd.api+json").WithBody(KlaviyoStub.ErrorBody(404, "not_found", "A list with id L1 does not exist.")));
        await using var mcp = await McpHarness.StartAsync(stub, services: s => s.AddSingleton<TimeProvider>(clock));

        var result = await CallAdvancingAsync(mcp, clock, "delete_list", """{"id":"L1"}""");

        Assert.True(result.IsError);
        Assert.Contains("does not exist", result.Text());
        Assert.Equal(2, stub.Requests.Count);
    }

    /// <summary>Calls a tool while moving the fake clock on, so that attempt timeouts and retry backoffs pass without waiting.</summary>
    private static async Task<CallToolResult> CallAdvancingAsync(McpHarness mcp, FakeTimeProvider clock, string tool, string arguments)
    {
        var call = mcp.CallAsync(tool, arguments);
        for (var i = 0; i < 2000 && !call.IsCompleted; i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
            clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        return await call;
    }

    [Theory]
    [InlineData("create_list", """{"name":" "}""", "name: is required")]
    [InlineData("create_list", """{"name":"X","opt_in_process":"triple"}""", "opt_in_process: \"triple\" is not one of single_opt_in, double_opt_in")]
    [InlineData("update_list", """{"id":"Y6nRLr"}""", "nothing to change")]
    [InlineData("delete_list", """{"id":""}""", "id: is required")]
    [InlineData("add_profiles_to_list", """{"list_id":"L1"}""", "give profile_ids and/or emails")]
    [InlineData("add_profiles_to_list", """{"emails":["a@b.co"]}""", "list_id: is required: give list_id, or list_name")]
    [InlineData("add_profiles_to_list", """{"list_id":"L1","emails":["nope"]}""", "emails[0]: \"nope\" is not an email address")]
    [InlineData("get_profiles_for_list", """{"list_id":"L1","page_size":500}""", "page_size: 500 is outside 1 to 100")]
    public async Task Bad_arguments_are_refused_without_sending(string tool, string arguments, string expected)
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync(tool, arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Adding_150_emails_looks_them_up_100_at_a_time_and_creates_the_missing_when_asked()
    {
        using var stub = new KlaviyoStub();
        var account = new FakeKlaviyoAccount(stub);
        var listId = account.AddList("VIP");
        for (var i = 0; i < 120; i++)
        {
            account.AddProfile($"p{i}@klaviyo-demo.com");
        }

        await using var mcp = await McpHarness.StartAsync(stub);
        var emails = string.Join(',', Enumerable.Range(0, 150).Select(i => $"\"p{i}@klaviyo-demo.com\""));

        var result = (await mcp.CallAsync("add_profiles_to_list", $$"""{"list_id":"{{listId}}","emails":[{{emails}}],"create_missing":true}""")).AssertSuccess();

        var lookups = stub.Requests.Where(r => r is { Method: "GET", Path: "/api/profiles" }).ToList();
        Assert.Equal(2, lookups.Count);
        Assert.StartsWith("any(email,[\"p0@klaviyo-demo.com\",\"p1@klaviyo-demo.com\"", lookups[0].Parameter("filter"), StringComparison.Ordinal);
        Assert.Equal(100, lookups[0].Parameter("filter")!.Split('@').Length - 1);
        Assert.Equal("100", lookups[0].Parameter("page[size]"));
        Assert.Equal(30, stub.Requests.Count(r => r.Path == "/api/profile-import"));
        var structured = result.StructuredContent!.Value;
        Assert.Equal(150, structured.GetProperty("added").GetInt32());
        Assert.Equal(30, structured.GetProperty("created").GetInt32());
        Assert.False(structured.TryGetProperty("not_found", out _));
        Assert.Equal(150, account.Members[listId].Count);
    }

    [Fact]
    public async Task Adding_2500_profile_ids_sends_1000_1000_and_500()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/lists/L1/relationships/profiles", 204);
        await using var mcp = await McpHarness.StartAsync(stub);
        var ids = string.Join(',', Enumerable.Range(0, 2500).Select(i => $"\"01P{i:D6}\""));

        var result = (await mcp.CallAsync("add_profiles_to_list", $$"""{"list_id":"L1","profile_ids":[{{ids}}]}""")).AssertSuccess();

        Assert.Equal([1000, 1000, 500], stub.Requests.Select(r => r.BodyJson()["data"]!.AsArray().Count));
        Assert.Equal("""{"type":"profile","id":"01P000000"}""", stub.Requests[0].BodyJson()["data"]![0]!.ToJsonString());
        Assert.Equal(2500, result.StructuredContent!.Value.GetProperty("added").GetInt32());
    }

    [Fact]
    public async Task Removing_is_a_DELETE_with_a_body_and_never_creates_profiles()
    {
        using var stub = new KlaviyoStub().Answer("DELETE", "/api/lists/L1/relationships/profiles", 204);
        var account = new FakeKlaviyoAccount(stub);
        var ann = account.AddProfile("ann@klaviyo-demo.com");
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("remove_profiles_from_list", """{"list_id":"L1","emails":["ann@klaviyo-demo.com","ghost@klaviyo-demo.com"],"profile_ids":["01X"]}""")).AssertSuccess();

        var delete = Assert.Single(stub.Requests, r => r.Method == "DELETE");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"data":[{"type":"profile","id":"01X"},{"type":"profile","id":"{{ann.Id}}"}]}"""), delete.BodyJson()), delete.Body);
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/api/profile-import");
        Assert.Equal(2, result.StructuredContent!.Value.GetProperty("removed").GetInt32());
        Assert.Equal("ghost@klaviyo-demo.com", result.StructuredContent.Value.GetProperty("not_found")[0].GetString());
    }

    [Fact]
    public async Task A_list_name_matches_ignoring_case_by_scanning_when_the_exact_lookup_finds_nothing()
    {
        using var stub = new KlaviyoStub();
        var account = new FakeKlaviyoAccount(stub);
        for (var i = 0; i < 14; i++)
        {
            account.AddList($"Other {i}");
        }

        var vip = account.AddList("VIP Customers");
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("get_profiles_for_list", """{"list_name":"vip customers","email":"a@b.co","page_size":5}""")).AssertSuccess();

        var lookups = stub.Requests.Where(r => r.Path == "/api/lists").ToList();
        Assert.Equal(3, lookups.Count);
        Assert.Equal("equals(name,\"vip customers\")", lookups[0].Parameter("filter"));
        Assert.Null(lookups[1].Parameter("filter"));
        Assert.Equal("c10", lookups[2].Parameter("page[cursor]"));
        var members = stub.Requests.Single(r => r.Path.EndsWith("/profiles", StringComparison.Ordinal));
        Assert.Equal($"/api/lists/{vip}/profiles", members.Path);
        Assert.Equal([("filter", "equals(email,\"a@b.co\")"), ("page[size]", "5")], members.Parameters());
    }

    [Fact]
    public async Task Ambiguous_and_unknown_list_names_are_errors_that_list_the_candidates()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/lists/any/relationships/profiles", 204);
        var account = new FakeKlaviyoAccount(stub);
        var first = account.AddList("Newsletter");
        var second = account.AddList("newsletter");
        account.AddList("Newsletter DE");
        await using var mcp = await McpHarness.StartAsync(stub);

        var ambiguous = await mcp.CallAsync("add_profiles_to_list", """{"list_name":"NEWSLETTER","profile_ids":["01P"]}""");
        Assert.True(ambiguous.IsError);
        Assert.Contains("list_name: 2 lists are named \"NEWSLETTER\" (ignoring case)", ambiguous.Text());
        Assert.Contains($"\"Newsletter\" (id {first})", ambiguous.Text());
        Assert.Contains($"\"newsletter\" (id {second})", ambiguous.Text());
        Assert.Contains("nothing was changed in Klaviyo", ambiguous.Text());

        var unknown = await mcp.CallAsync("add_profiles_to_list", """{"list_name":"News","profile_ids":["01P"]}""");
        Assert.True(unknown.IsError);
        Assert.Contains("list_name: no list is named \"News\"; similar names: \"Newsletter\"", unknown.Text());

        Assert.DoesNotContain(stub.Requests, r => r.Method == "POST");
    }
}
