using System.Text.Json.Nodes;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class BulkCreateEventsToolTests
{
    private const string Path = "/api/event-bulk-create-jobs";

    [Fact]
    public async Task Events_are_grouped_by_profile_into_a_spec_valid_job()
    {
        using var stub = new KlaviyoStub().Answer("POST", Path, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("bulk_create_events", """
            {"events":[
              {"metric":{"name":"Placed Order"},"profile":{"email":"ann@klaviyo-demo.com"},"value":10,"unique_id":"o-1","time":"2026-07-20T14:03:00Z"},
              {"metric":{"name":"Placed Order"},"profile":{"email":"bob@klaviyo-demo.com"},"value":20,"unique_id":"o-2"},
              {"metric":{"name":"Viewed Product"},"profile":{"email":"ann@klaviyo-demo.com"},"properties":{"sku":"A"}}]}
            """)).AssertSuccess();

        var body = Assert.Single(stub.Requests).BodyJson();
        OpenApiContract.AssertValid("POST", Path, body.ToJsonString());
        var entries = body["data"]!["attributes"]!["events-bulk-create"]!["data"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("ann@klaviyo-demo.com", (string?)entries[0]!["attributes"]!["profile"]!["data"]!["attributes"]!["email"]);
        var annEvents = entries[0]!["attributes"]!["events"]!["data"]!.AsArray();
        Assert.Equal(2, annEvents.Count);
        Assert.StartsWith("bulk_", (string?)annEvents[1]!["attributes"]!["unique_id"], StringComparison.Ordinal);
        Assert.False(annEvents[1]!["attributes"]!.AsObject().ContainsKey("value"));
        Assert.Equal("""{"jobs_submitted":1,"events_accepted":3,"invalid_count":0}""", result.Text());
    }

    [Fact]
    public async Task External_ids_differing_only_in_case_are_different_profiles_while_emails_ignore_case()
    {
        using var stub = new KlaviyoStub().Answer("POST", Path, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var distinct = (await mcp.CallAsync("bulk_create_events", """
            {"events":[
              {"metric":{"name":"Placed Order"},"profile":{"external_id":"A1"},"unique_id":"o-1"},
              {"metric":{"name":"Placed Order"},"profile":{"external_id":"a1"},"unique_id":"o-1"},
              {"metric":{"name":"Placed Order"},"profile":{"phone_number":"+15005550006","external_id":"B"},"unique_id":"o-1"},
              {"metric":{"name":"Placed Order"},"profile":{"phone_number":"+15005550006","external_id":"b"},"unique_id":"o-1"}]}
            """)).AssertSuccess();
        Assert.Equal("""{"jobs_submitted":1,"events_accepted":4,"invalid_count":0}""", distinct.Text());

        var same = await mcp.CallAsync("bulk_create_events", """
            {"events":[
              {"metric":{"name":"Placed Order"},"profile":{"email":"Ann@klaviyo-demo.com"},"unique_id":"o-1"},
              {"metric":{"name":"Placed Order"},"profile":{"email":"ann@KLAVIYO-demo.com"},"unique_id":"o-1"}]}
            """);
        Assert.True(same.IsError);
        Assert.Contains("events[1].unique_id: repeats the unique_id of events[0]", same.Text());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task By_default_one_invalid_item_stops_everything_and_every_invalid_item_is_listed_by_index()
    {
        using var stub = new KlaviyoStub().Answer("POST", Path, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("bulk_create_events", """
            {"events":[
              {"metric":{"name":"A"},"profile":{"email":"ok@klaviyo-demo.com"}},
              {"metric":{"name":"A"},"profile":{"email":"bad@"}},
              {"metric":{"name":""},"profile":{"email":"ok2@klaviyo-demo.com"},"time":"never"}]}
            """);

        Assert.True(result.IsError);
        Assert.Contains("events[1].profile.email: \"bad@\" is not an email address", result.Text());
        Assert.Contains("events[2].metric.name: is required", result.Text());
        Assert.Contains("events[2].time: \"never\" is not an ISO 8601 timestamp", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task With_skip_invalid_the_valid_items_are_sent_and_the_invalid_reported()
    {
        using var stub = new KlaviyoStub().Answer("POST", Path, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("bulk_create_events", """
            {"skip_invalid":true,"events":[
              {"metric":{"name":"A"},"profile":{"email":"ok@klaviyo-demo.com"},"unique_id":"u1"},
              {"metric":{"name":"A"},"profile":{"email":"bad@"}},
              {"metric":{"name":"A"},"profile":{"email":"ok@klaviyo-demo.com"},"unique_id":"u1"}]}
            """)).AssertSuccess();

        var structured = result.StructuredContent!.Value;
        Assert.Equal(1, structured.GetProperty("events_accepted").GetInt32());
        Assert.Equal(2, structured.GetProperty("invalid_count").GetInt32());
        var invalid = structured.GetProperty("invalid");
        Assert.Equal(1, invalid[0].GetProperty("index").GetInt32());
        Assert.Equal(2, invalid[1].GetProperty("index").GetInt32());
        Assert.Contains("repeats the unique_id of events[0]", invalid[1].GetProperty("errors")[0].GetString());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Identical_items_get_the_same_derived_unique_id_so_a_repeated_call_cannot_count_twice()
    {
        using var stub = new KlaviyoStub().Answer("POST", Path, 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        const string Call = """{"events":[{"metric":{"name":"A"},"profile":{"email":"ann@klaviyo-demo.com"},"time":"2026-07-20T14:03:00Z"}]}""";

        (await mcp.CallAsync("bulk_create_events", Call)).AssertSuccess();
        (await mcp.CallAsync("bulk_create_events", Call)).AssertSuccess();

        var ids = stub.Requests.Select(r => (string?)r.BodyJson()["data"]!["attributes"]!["events-bulk-create"]!["data"]![0]!["attributes"]!["events"]!["data"]![0]!["attributes"]!["unique_id"]).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task Two_thousand_five_hundred_events_go_out_as_three_jobs()
    {
        using var stub = new KlaviyoStub().Answer("POST", Path, 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        var events = string.Join(',', Enumerable.Range(0, 2500).Select(i => $$"""{"metric":{"name":"A"},"profile":{"email":"p{{i % 40}}@klaviyo-demo.com"},"unique_id":"e{{i}}"}"""));

        var result = (await mcp.CallAsync("bulk_create_events", $$$"""{"events":[{{{events}}}]}""")).AssertSuccess();

        Assert.Equal([1000, 1000, 500], stub.Requests.Select(r => r.BodyJson()["data"]!["attributes"]!["events-bulk-create"]!["data"]!.AsArray().Sum(e => e!["attributes"]!["events"]!["data"]!.AsArray().Count)));
        Assert.Equal(3, result.StructuredContent!.Value.GetProperty("jobs_submitted").GetInt32());
        var sent = stub.Requests.SelectMany(r => r.BodyJson()["data"]!["attributes"]!["events-bulk-create"]!["data"]!.AsArray()
            .SelectMany(e => e!["attributes"]!["events"]!["data"]!.AsArray().Select(ev => (string)ev!["attributes"]!["unique_id"]!))).ToList();
        Assert.Equal(2500, sent.Distinct().Count());
    }
}
