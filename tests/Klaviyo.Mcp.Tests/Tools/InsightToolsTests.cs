using System.Text.Json.Nodes;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class InsightToolsTests
{
    private const string Metrics = """
        {"data":[{"type":"metric","id":"M1","attributes":{"name":"Placed Order","integration":{"name":"Shopify"}}},
                 {"type":"metric","id":"M2","attributes":{"name":"Opened Email","integration":{"name":"Klaviyo"}}}],
         "links":{"self":"x","next":null}}
        """;

    [Fact]
    public async Task Get_events_resolves_the_metric_name_and_filters_with_unquoted_datetimes()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/metrics", 200, Metrics)
            .Answer("GET", "/api/events", 200, """
                {"data":[{"type":"event","id":"E1","attributes":{"datetime":"2026-07-02T10:00:00+00:00","event_properties":{"value":5}},
                  "relationships":{"metric":{"data":{"type":"metric","id":"M1"}}}}],
                 "included":[{"type":"metric","id":"M1","attributes":{"name":"Placed Order"}}],"links":{"self":"x"}}
                """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_events", """{"metric_name":"placed order","profile_id":"01P","since":"2026-07-01","until":"2026-07-08T00:00:00Z"}""")).AssertSuccess();

        var events = stub.Requests.Single(r => r.Path == "/api/events");
        Assert.Equal(
            [
                ("filter", "and(equals(metric_id,\"M1\"),equals(profile_id,\"01P\"),greater-or-equal(datetime,2026-07-01T00:00:00Z),less-than(datetime,2026-07-08T00:00:00Z))"),
                ("sort", "-datetime"), ("page[size]", "50"), ("include", "metric"), ("fields[metric]", "name"),
            ],
            events.Parameters());
        Assert.Equal("""{"items":[{"id":"E1","datetime":"2026-07-02T10:00:00+00:00","event_properties":{"value":5},"metric":{"id":"M1","name":"Placed Order"}}],"untrusted":["/items/0/event_properties"]}""", result.Text());
    }

    [Theory]
    [InlineData("get_events", """{"since":"2026-07-09","until":"2026-07-08"}""", "since: \"2026-07-09\" is after until \"2026-07-08\"")]
    [InlineData("get_events", """{"since":"last week"}""", "since: \"last week\" is not an ISO 8601 timestamp")]
    [InlineData("get_events", """{"sort":"newest"}""", "sort: \"newest\" is not one of")]
    [InlineData("get_campaigns", """{"channel":"fax"}""", "channel: \"fax\" is not one of email, sms, mobile_push")]
    [InlineData("get_campaigns", """{"status":"done"}""", "status: \"done\" is not one of Scheduled, Sent, Draft")]
    [InlineData("get_flows", """{"trigger_type":"Webhook"}""", "trigger_type: \"Webhook\" is not one of")]
    [InlineData("update_flow_status", """{"id":"F1","status":"on"}""", "status: \"on\" is not one of draft, manual, live")]
    [InlineData("query_metric_aggregates", """{"metric_id":"M1","start":"2026-07-08","end":"2026-07-01"}""", "start: \"2026-07-08\" is not before end")]
    [InlineData("query_metric_aggregates", """{"metric_id":"M1","start":"2026-07-01","end":"2026-07-08","timezone":"Mars/Olympus"}""", "timezone: \"Mars/Olympus\" is not an IANA time zone")]
    [InlineData("query_metric_aggregates", """{"metric_id":"M1","start":"2026-07-01","end":"2026-07-08","measurements":["avg"],"interval":"minute"}""", "measurements[0]: \"avg\" is not one of count, sum_value, unique")]
    [InlineData("query_metric_aggregates", """{"start":"2026-07-01","end":"2026-07-08"}""", "metric_id: is required")]
    [InlineData("query_campaign_values", """{"statistics":["opens"]}""", "timeframe: is required")]
    [InlineData("query_campaign_values", """{"statistics":["opens"],"timeframe":"last_7_days","start":"2026-07-01","end":"2026-07-08"}""", "timeframe: give timeframe, or start and end, not both")]
    [InlineData("query_campaign_values", """{"statistics":["open"],"timeframe":"last_week"}""", "statistics[0]: \"open\" is not one of")]
    [InlineData("query_flow_values", """{"statistics":["opens"],"timeframe":"last_fortnight"}""", "timeframe: \"last_fortnight\" is not one of")]
    [InlineData("query_flow_values", """{"statistics":["opens"],"start":"2024-01-01","end":"2026-01-01"}""", "longer than one year")]
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
    public async Task Get_event_attaches_the_metric_name_and_the_profiles_identifiers()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/events/E1", 200, """
            {"data":{"type":"event","id":"E1","attributes":{"datetime":"2026-07-02T10:00:00+00:00"},
              "relationships":{"metric":{"data":{"type":"metric","id":"M1"}},"profile":{"data":{"type":"profile","id":"01P"}}}},
             "included":[{"type":"metric","id":"M1","attributes":{"name":"Placed Order"}},{"type":"profile","id":"01P","attributes":{"email":"a@b.co","phone_number":null}}]}
            """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_event", """{"id":"E1"}""")).AssertSuccess();

        Assert.Equal(
            [("include", "metric,profile"), ("fields[metric]", "name"), ("fields[profile]", "email,phone_number,external_id,first_name,last_name")],
            Assert.Single(stub.Requests).Parameters());
        Assert.Equal("""{"id":"E1","datetime":"2026-07-02T10:00:00+00:00","metric":{"id":"M1","name":"Placed Order"},"profile":{"id":"01P","email":"a@b.co"}}""", result.Text());
    }

    [Fact]
    public async Task Get_metrics_matches_part_of_the_name_across_every_page()
    {
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/metrics").UsingGet().WithParam("page[cursor]", "p2"))
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("""{"data":[{"type":"metric","id":"M3","attributes":{"name":"Refunded Order"}}],"links":{"self":"x"}}"""));
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/metrics").UsingGet().WithParam("page[cursor]", WireMock.Matchers.MatchBehaviour.RejectOnMatch))
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody(Metrics.Replace("\"next\":null", "\"next\":\"http://x/api/metrics/?page%5Bcursor%5D=p2\"", StringComparison.Ordinal)));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_metrics", """{"name":"ORDER","integration":"Shopify"}""")).AssertSuccess();

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("equals(integration.name,\"Shopify\")", stub.Requests[0].Parameter("filter"));
        Assert.Equal("""{"items":[{"id":"M1","name":"Placed Order","integration":"Shopify"},{"id":"M3","name":"Refunded Order"}]}""", result.Text());
    }

    [Fact]
    public async Task Get_metric_returns_the_metric_flattened()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/metrics/M1", 200, """
            {"data":{"type":"metric","id":"M1","attributes":{"name":"Placed Order","created":"2025-01-01T00:00:00+00:00","integration":{"name":"Shopify","category":"ecommerce"}},"links":{"self":"x"}}}
            """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_metric", """{"id":"M1"}""")).AssertSuccess();

        Assert.Equal("", Assert.Single(stub.Requests).Query);
        Assert.Equal("""{"id":"M1","name":"Placed Order","created":"2025-01-01T00:00:00+00:00","integration":{"name":"Shopify","category":"ecommerce"}}""", result.Text());
    }

    [Fact]
    public async Task Metric_aggregates_send_a_spec_valid_query_and_come_back_as_rows()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/metrics", 200, Metrics)
            .Answer("POST", "/api/metric-aggregates", 200, """
                {"data":{"type":"metric-aggregate","id":"x","attributes":{"dates":["2026-07-01T00:00:00-04:00","2026-07-02T00:00:00-04:00"],
                  "data":[{"dimensions":["Welcome email"],"measurements":{"count":[3,4],"sum_value":[30.5,40]}},
                          {"dimensions":["Promo"],"measurements":{"count":[1,0],"sum_value":[9.99,0]}}]}},"links":{"self":"x"}}
                """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("query_metric_aggregates", """
            {"metric_name":"Placed Order","measurements":["count","sum_value"],"interval":"day","start":"2026-07-01","end":"2026-07-03T04:00:00Z","by":["$message"],"timezone":"America/New_York"}
            """)).AssertSuccess();

        var body = stub.Requests.Single(r => r.Method == "POST").BodyJson()["data"]!["attributes"]!;
        Assert.Equal("M1", (string?)body["metric_id"]);
        Assert.Equal("""["greater-or-equal(datetime,2026-07-01T00:00:00)","less-than(datetime,2026-07-03T00:00:00)"]""", body["filter"]!.ToJsonString());
        Assert.Equal("America/New_York", (string?)body["timezone"]);
        var rows = result.StructuredContent!.Value.GetProperty("items");
        Assert.Equal(4, rows.GetArrayLength());
        Assert.Equal("""{"date":"2026-07-01T00:00:00-04:00","$message":"Welcome email","count":3,"sum_value":30.5}""", rows[0].GetRawText());
        Assert.Equal("""{"date":"2026-07-02T00:00:00-04:00","$message":"Promo","count":0,"sum_value":0}""", rows[3].GetRawText());
        Assert.Contains("Metric Placed Order (id M1), day intervals in America/New_York.", result.StructuredContent.Value.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Segments_are_found_by_name_counted_and_listed()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/segments", 200, """{"data":[{"type":"segment","id":"S1","attributes":{"name":"Engaged","is_active":true}}],"links":{"self":"x"}}""")
            .Answer("GET", "/api/segments/S1", 200, """{"data":{"type":"segment","id":"S1","attributes":{"name":"Engaged","profile_count":1234}}}""")
            .Answer("GET", "/api/segments/S1/profiles", 200, """{"data":[{"type":"profile","id":"01P","attributes":{"email":"a@b.co"}}],"links":{"self":"x"}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("get_segments", """{"name":"Engaged"}""")).AssertSuccess();
        var segment = (await mcp.CallAsync("get_segment", """{"id":"S1","include_profile_count":true}""")).AssertSuccess();
        var members = (await mcp.CallAsync("get_profiles_for_segment", """{"segment_name":"Engaged","email":"a@b.co","page_size":10}""")).AssertSuccess();

        var requests = stub.Requests;
        Assert.Equal("?filter=equals%28name%2C%22Engaged%22%29", requests[0].Query);
        Assert.Equal("?additional-fields[segment]=profile_count", requests[1].Query);
        Assert.Equal(1234, segment.StructuredContent!.Value.GetProperty("profile_count").GetInt32());
        Assert.Equal([("filter", "equals(email,\"a@b.co\")"), ("page[size]", "10")], requests.Single(r => r.Path == "/api/segments/S1/profiles").Parameters());
        Assert.Equal("01P", members.StructuredContent!.Value.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Campaigns_always_carry_the_channel_filter_and_match_status_ignoring_case()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/campaigns", 200, """{"data":[{"type":"campaign","id":"C1","attributes":{"name":"July sale","status":"Sent"}}],"links":{"self":"x","next":"http://x/api/campaigns/?page%5Bcursor%5D=n2"}}""")
            .Answer("GET", "/api/campaigns/C1", 200, """
                {"data":{"type":"campaign","id":"C1","attributes":{"name":"July sale"},"relationships":{"campaign-messages":{"data":[{"type":"campaign-message","id":"CM1"}]}}},
                 "included":[{"type":"campaign-message","id":"CM1","attributes":{"channel":"email","content":{"subject":"50% off"}}}]}
                """);
        await using var mcp = await McpHarness.StartAsync(stub);

        await mcp.CallAsync("get_campaigns", "{}");
        var page = (await mcp.CallAsync("get_campaigns", """{"channel":"SMS","status":"sent","name_contains":"July","since":"2026-07-01","until":"2026-08-01"}""")).AssertSuccess();
        await mcp.CallAsync("get_campaigns", $$"""{"cursor":"{{page.StructuredContent!.Value.GetProperty("next_cursor").GetString()}}"}""");
        var campaign = (await mcp.CallAsync("get_campaign", """{"id":"C1"}""")).AssertSuccess();

        var requests = stub.Requests;
        Assert.Equal("equals(messages.channel,\"email\")", requests[0].Parameter("filter"));
        Assert.Equal("and(equals(messages.channel,\"sms\"),equals(status,\"Sent\"),contains(name,\"July\"),greater-or-equal(scheduled_at,2026-07-01T00:00:00Z),less-than(scheduled_at,2026-08-01T00:00:00Z))",
            requests[1].Parameter("filter"));
        Assert.Equal([("filter", "equals(messages.channel,\"email\")"), ("page[cursor]", "n2")], requests[2].Parameters());
        Assert.Equal("include=campaign-messages", requests[3].Query.TrimStart('?'));
        Assert.Equal("50% off", campaign.StructuredContent!.Value.GetProperty("campaign-messages")[0].GetProperty("content").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Flows_are_filtered_and_a_status_change_sends_the_documented_body()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/flows", 200, """{"data":[{"type":"flow","id":"F1","attributes":{"name":"Welcome","status":"live"}}],"links":{"self":"x"}}""")
            .Answer("GET", "/api/flows/F1", 200, """{"data":{"type":"flow","id":"F1","attributes":{"name":"Welcome"}}}""")
            .Answer("PATCH", "/api/flows/XVTP5Q", 200, """{"data":{"type":"flow","id":"XVTP5Q","attributes":{"name":"Welcome","status":"manual"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("get_flows", """{"status":"Live","name_contains":"Welcome","trigger_type":"added to list"}""")).AssertSuccess();
        (await mcp.CallAsync("get_flow", """{"id":"F1","include_actions":true}""")).AssertSuccess();
        var updated = (await mcp.CallAsync("update_flow_status", """{"id":"XVTP5Q","status":"manual"}""")).AssertSuccess();

        var requests = stub.Requests;
        Assert.Equal("and(equals(status,\"live\"),contains(name,\"Welcome\"),equals(trigger_type,\"Added to List\"))", requests[0].Parameter("filter"));
        Assert.Equal("flow-actions", requests[1].Parameter("include"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "klaviyo", "examples", "update_flow.json"))), requests[2].BodyJson()));
        Assert.Equal("manual", updated.StructuredContent!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Campaign_values_resolve_Placed_Order_and_join_names_in_one_lookup_per_channel()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/metrics", 200, Metrics)
            .Answer("POST", "/api/campaign-values-reports", 200, """
                {"data":{"type":"campaign-values-report","id":"r","attributes":{"results":[
                  {"groupings":{"campaign_id":"C1","campaign_message_id":"CM1","send_channel":"email"},"statistics":{"opens":120,"open_rate":0.4}},
                  {"groupings":{"campaign_id":"C2","campaign_message_id":"CM2","send_channel":"email"},"statistics":{"opens":80,"open_rate":0.3}},
                  {"groupings":{"campaign_id":"C3","campaign_message_id":"CM3","send_channel":"sms"},"statistics":{"opens":0,"open_rate":0}}]}},"links":{"self":"x"}}
                """)
            .Answer("GET", "/api/campaigns", 200, """
                {"data":[{"type":"campaign","id":"C1","attributes":{"name":"July sale"}},{"type":"campaign","id":"C2","attributes":{"name":"Restock"}},
                         {"type":"campaign","id":"C3","attributes":{"name":"SMS flash"}}],"links":{"self":"x"}}
                """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("query_campaign_values", """{"statistics":["opens","open_rate"],"timeframe":"last_7_days"}""")).AssertSuccess();

        var report = stub.Requests.Single(r => r.Method == "POST").BodyJson();
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"data":{"type":"campaign-values-report","attributes":{"statistics":["opens","open_rate"],"timeframe":{"key":"last_7_days"},"conversion_metric_id":"M1"}}}"""),
            report), report.ToJsonString());
        var lookups = stub.Requests.Where(r => r.Path == "/api/campaigns").ToList();
        Assert.Equal(2, lookups.Count);
        Assert.Equal("and(equals(messages.channel,\"email\"),any(id,[\"C1\",\"C2\"]))", lookups[0].Parameter("filter"));
        Assert.Equal("and(equals(messages.channel,\"sms\"),any(id,[\"C3\"]))", lookups[1].Parameter("filter"));
        var structured = result.StructuredContent!.Value;
        Assert.Equal("""{"campaign_id":"C1","campaign_name":"July sale","campaign_message_id":"CM1","send_channel":"email","opens":120,"open_rate":0.4}""", structured.GetProperty("items")[0].GetRawText());
        Assert.Contains("Conversions count the \"Placed Order\" metric (id M1, Shopify)", structured.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Flow_values_use_a_given_conversion_metric_a_custom_timeframe_and_flow_names()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/flow-values-reports", 200, """
                {"data":{"type":"flow-values-report","id":"r","attributes":{"results":[
                  {"groupings":{"flow_id":"F1","flow_message_id":"FM1","send_channel":"email"},"statistics":{"conversion_value":99.5}}]}},"links":{"self":"x"}}
                """)
            .Answer("GET", "/api/flows", 200, """{"data":[{"type":"flow","id":"F1","attributes":{"name":"Welcome"}}],"links":{"self":"x"}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("query_flow_values", """
            {"statistics":["conversion_value"],"start":"2026-06-01T00:00:00Z","end":"2026-07-01T00:00:00Z","conversion_metric_id":"RESQ6t","flow_ids":["F1"],"group_by":["flow_id","flow_message_id"]}
            """)).AssertSuccess();

        var attributes = stub.Requests.Single(r => r.Method == "POST").BodyJson()["data"]!["attributes"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"start":"2026-06-01T00:00:00+00:00","end":"2026-07-01T00:00:00+00:00"}"""), attributes["timeframe"]));
        Assert.Equal("contains-any(flow_id,[\"F1\"])", (string?)attributes["filter"]);
        Assert.Equal([("filter", "any(id,[\"F1\"])"), ("fields[flow]", "name")], stub.Requests.Single(r => r.Path == "/api/flows").Parameters());
        Assert.Equal("Welcome", result.StructuredContent!.Value.GetProperty("items")[0].GetProperty("flow_name").GetString());
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/api/metrics");
    }

    [Fact]
    public async Task Reports_wait_their_turn_within_the_bound_and_beyond_it_say_when_to_retry()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/flow-values-reports", 200, """{"data":{"type":"flow-values-report","id":"r","attributes":{"results":[]}},"links":{"self":"x"}}""");
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.MaxRateLimitWaitVariable] = "5" });
        const string Call = """{"statistics":["opens"],"timeframe":"last_7_days","conversion_metric_id":"M1"}""";

        (await mcp.CallAsync("query_flow_values", Call)).AssertSuccess();
        // The in-process limiter keeps real time: the second report waits out the second, then goes.
        var second = mcp.CallAsync("query_flow_values", Call);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted, "the second report went within the same second");
        Assert.Single(stub.Requests);
        (await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).AssertSuccess();
        var third = await mcp.CallAsync("query_flow_values", Call);

        Assert.Equal(2, stub.Requests.Count);
        Assert.True(third.IsError);
        Assert.Matches(@"rate limit for POST /api/flow-values-reports \(1/s, 2/min, 225/day\) is used up; retry after (5[0-9]|60|61) s", third.Text());
    }

    [Fact]
    public async Task Get_account_reports_the_essentials()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 200, """
            {"data":[{"type":"account","id":"AbC123","attributes":{"test_account":false,"contact_information":{"default_sender_name":"Shop","organization_name":"Example Corp","website_url":"https://example.com"},
              "industry":"Retail","timezone":"America/New_York","preferred_currency":"USD","public_api_key":"AbC123","locale":"en-US"}}]}
            """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_account", "{}")).AssertSuccess();

        Assert.Equal("""{"id":"AbC123","name":"Example Corp","timezone":"America/New_York","currency":"USD","locale":"en-US","test_account":false,"industry":"Retail","website_url":"https://example.com"}""", result.Text());
    }

    [Fact]
    public async Task The_prompts_are_listed_and_name_the_tools_they_use()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var prompts = await mcp.Client.ListPromptsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var review = await mcp.Client.GetPromptAsync("weekly_performance_review", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["flow_health_check", "weekly_performance_review"], prompts.Select(p => p.Name).Order());
        var text = string.Concat(review.Messages.Select(m => (m.Content as ModelContextProtocol.Protocol.TextContentBlock)?.Text));
        Assert.Contains("query_campaign_values", text);
        Assert.Contains("last_7_days", text);
    }
}
