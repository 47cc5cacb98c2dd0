using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class CreateEventToolTests
{
    private const string Minimal = """{"metric":{"name":"Placed Order"},"profile":{"email":"sarah.mason@klaviyo-demo.com"}}""";

    [Fact]
    public async Task Sends_a_spec_valid_event_and_reports_what_was_sent()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_event", """
            {"metric":{"name":"Placed Order"},
             "profile":{"email":"sarah.mason@klaviyo-demo.com","phone_number":"+15005550006","first_name":"Sarah","location":{"city":"New York","latitude":40.7},"properties":{"tier":"gold"}},
             "properties":{"OrderId":"4711","Items":["Book","Pen"],"$extra":{"note":"<b>gift</b>"}},
             "time":"2026-07-20T14:03:00Z","value":59.9,"value_currency":"usd","unique_id":"order-4711"}
            """);

        result.AssertSuccess();
        var request = Assert.Single(stub.Requests);
        var attributes = JsonNode.Parse(request.Body!)!["data"]!["attributes"]!;
        Assert.Equal("order-4711", (string?)attributes["unique_id"]);
        Assert.Equal("2026-07-20T14:03:00+00:00", (string?)attributes["time"]);
        Assert.Equal(59.9, (double?)attributes["value"]);
        Assert.Equal("USD", (string?)attributes["value_currency"]);
        Assert.Equal("Placed Order", (string?)attributes["metric"]!["data"]!["attributes"]!["name"]);
        var profile = attributes["profile"]!["data"]!["attributes"]!;
        Assert.Equal("+15005550006", (string?)profile["phone_number"]);
        Assert.Equal("New York", (string?)profile["location"]!["city"]);
        Assert.Equal("gold", (string?)profile["properties"]!["tier"]);
        Assert.Equal("""["Book","Pen"]""", attributes["properties"]!["Items"]!.ToJsonString());
        OpenApiContract.AssertValid("POST", "/api/events", request.Body!);

        var structured = result.StructuredContent!.Value;
        Assert.Equal("accepted", structured.GetProperty("status").GetString());
        Assert.Equal("order-4711", structured.GetProperty("unique_id").GetString());
        Assert.False(structured.GetProperty("unique_id_generated").GetBoolean());
        Assert.Equal("2026-07-20T14:03:00Z", structured.GetProperty("time").GetString());
        Assert.Equal("sarah.mason@klaviyo-demo.com", structured.GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal("+15005550006", structured.GetProperty("profile").GetProperty("phone_number").GetString());
        Assert.Equal("USD", structured.GetProperty("value_currency").GetString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result.Text()), JsonNode.Parse(structured.GetRawText())), "text and structured content differ");
        Assert.Contains("\"phone_number\":\"+15005550006\"", result.Text());
    }

    [Fact]
    public async Task Without_value_no_value_is_sent_and_the_generated_unique_id_and_time_are_returned()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await mcp.CallAsync("create_event", Minimal);

        result.AssertSuccess();
        var attributes = JsonNode.Parse(Assert.Single(stub.Requests).Body!)!["data"]!["attributes"]!.AsObject();
        Assert.False(attributes.ContainsKey("value"), "value must not be sent when not given");
        Assert.Equal("{}", attributes["properties"]!.ToJsonString());

        var structured = result.StructuredContent!.Value;
        Assert.True(structured.GetProperty("unique_id_generated").GetBoolean());
        Assert.True(structured.GetProperty("time_generated").GetBoolean());
        Assert.Equal((string?)attributes["unique_id"], structured.GetProperty("unique_id").GetString());
        var time = DateTimeOffset.Parse(structured.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(time, DateTimeOffset.Parse((string)attributes["time"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(time, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.False(structured.TryGetProperty("value", out _));
    }

    [Fact]
    public async Task Two_calls_without_unique_id_get_different_ids()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        await mcp.CallAsync("create_event", Minimal);
        await mcp.CallAsync("create_event", Minimal);

        var ids = stub.Requests.Select(r => (string?)JsonNode.Parse(r.Body!)!["data"]!["attributes"]!["unique_id"]).ToList();
        Assert.Equal(2, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("""{"metric":{"name":"X"},"profile":{"email":"bob@"}}""", "profile.email: \"bob@\" is not an email address")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"phone_number":"555-1234"}}""", "profile.phone_number: \"555-1234\" is not in E.164 format")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"first_name":"Bob"}}""", "profile: needs at least one identifier")]
    [InlineData("""{"metric":{"name":""},"profile":{"email":"a@b.co"}}""", "metric.name: is required")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"time":"1999-12-31T23:59:59Z"}""", "time: \"1999-12-31T23:59:59Z\" is before 2000-01-01")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"value_currency":"dollars"}""", "value_currency: \"dollars\" is not an ISO 4217 currency code")]
    [InlineData("""{"profile":{"email":"a@b.co"}}""", "metric: is required")]
    [InlineData("""{"metric":{"name":"X"}}""", "profile: is required")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"value":"nine"}""", "value: must be a number")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"properties":[1,2]}""", "properties: must be an object")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"mail":"a@b.co"}}""", "profile.mail: is not a field this tool knows")]
    [InlineData("""{"metric":"Placed Order","profile":{"email":"a@b.co"}}""", "metric: must be an object")]
    [InlineData("""{"metric":{"name":"X"},"profile":{"email":"a@b.co","location":{"latitude":"north"}}}""", "profile.location.latitude: must be a number")]
    public async Task Invalid_arguments_are_tool_errors_naming_the_path_and_nothing_is_sent(string arguments, string expected)
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_event", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text());
        Assert.Contains("nothing was sent to Klaviyo", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Properties_that_make_the_body_larger_than_5_MB_are_refused_without_sending()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        var properties = string.Join(',', Enumerable.Range(0, 60).Select(i => $"\"p{i}\":\"{new string('a', 90_000)}\""));

        var result = await mcp.CallAsync("create_event", $$$"""{"metric":{"name":"X"},"profile":{"email":"a@b.co"},"properties":{{{{properties}}}}}""");

        Assert.True(result.IsError);
        Assert.Contains("Klaviyo accepts at most 5,242,880 bytes (5 MB)", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_400_from_Klaviyo_names_the_tool_argument_its_pointer_leads_to()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 400,
            ErrorBody(400, "invalid", "The phone number provided either does not exist or is ineligible to receive SMS.", pointer: "/data/attributes/profile/data/attributes/phone_number"));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_event", """{"metric":{"name":"X"},"profile":{"phone_number":"+15005550000"}}""");

        Assert.True(result.IsError);
        Assert.Contains("Klaviyo rejected the request (400)", result.Text());
        Assert.Contains("invalid: The phone number provided either does not exist", result.Text());
        Assert.Contains("(argument: profile.phone_number)", result.Text());
    }

    [Fact]
    public async Task A_401_says_to_check_the_key_and_a_403_names_the_scope()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        stub.Answer("POST", "/api/events", 401, ErrorBody(401, "not_authenticated", "Missing or invalid private key."));
        var unauthorized = await mcp.CallAsync("create_event", Minimal);
        Assert.True(unauthorized.IsError);
        Assert.Contains("Klaviyo did not accept the API key (401)", unauthorized.Text());
        Assert.Contains("KLAVIYO_API_KEY", unauthorized.Text());

        stub.Server.Reset();
        stub.Answer("POST", "/api/events", 403, ErrorBody(403, "permission_denied", "You do not have permission to perform this action."));
        var forbidden = await mcp.CallAsync("create_event", Minimal);
        Assert.True(forbidden.IsError);
        Assert.Contains("(403)", forbidden.Text());
        Assert.Contains("create_event needs the scope events:write", forbidden.Text());
    }

    [Fact]
    public async Task A_429_beyond_the_wait_cap_says_when_to_retry()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 429,
            ErrorBody(429, "throttled", "Request was throttled. Expected available in 45 seconds.", pointer: "/data"),
            new Dictionary<string, string> { ["Retry-After"] = "45" });
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_event", Minimal);

        Assert.True(result.IsError);
        Assert.Contains("rate limiting these requests (429); retry after 45 s", result.Text());
        Assert.Contains("create_event is limited to 350/s, 3500/min (the create_event rate limit", result.Text());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task A_503_is_retried_safely_because_the_event_carries_a_unique_id()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/events",
            r => Response(503, ErrorBody(503, "service_unavailable", "down")),
            r => Response(202));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_event", Minimal);

        result.AssertSuccess();
        var requests = stub.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task Without_a_key_the_call_says_how_to_set_one_and_sends_nothing()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ApiKeyVariable] = null });

        var result = await mcp.CallAsync("create_event", Minimal);

        Assert.True(result.IsError);
        Assert.Contains("Set KLAVIYO_API_KEY (or PRIVATE_API_KEY)", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task The_key_never_appears_in_results_or_logs_even_when_Klaviyo_echoes_it()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 400, ErrorBody(400, "invalid", $"Key {ApiKey} is malformed."));
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.LogLevelVariable] = "Trace" });

        var result = await mcp.CallAsync("create_event", Minimal);

        Assert.True(result.IsError);
        Assert.Contains("Key [redacted] is malformed.", result.Text());
        Assert.DoesNotContain(ApiKey, JsonSerializer.Serialize(result));
        Assert.NotEmpty(mcp.Logs.Lines);
        Assert.DoesNotContain(mcp.Logs.Lines, line => line.Contains(ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_the_call_cancels_the_request_to_Klaviyo()
    {
        using var silent = new SilentServer();
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.BaseUrlVariable] = silent.Url.AbsoluteUri });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var call = mcp.CallCancellableAsync("create_event", Minimal, cancel.Token);
        for (var i = 0; i < 500 && silent.Requests == 0; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, silent.Requests);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        for (var i = 0; i < 500 && silent.ClosedConnections == 0; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, silent.ClosedConnections);
    }
}
