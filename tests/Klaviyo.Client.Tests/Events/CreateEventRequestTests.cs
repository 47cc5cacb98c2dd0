using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

public sealed class CreateEventRequestTests
{
    [Fact]
    public async Task Sends_the_exact_request_Klaviyo_documents()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub);

        await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);

        var request = Assert.Single(stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/events", request.Path);
        Assert.Equal("", request.Query);
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, request.Header("Authorization"));
        Assert.Equal("2026-07-15", request.Header("revision"));
        Assert.Equal("application/vnd.api+json", request.Header("Accept"));
        Assert.Equal("application/vnd.api+json", request.Header("Content-Type"));
        Assert.Equal("klaviyo-mcp-tests/1.0", request.Header("User-Agent"));

        var expected = JsonNode.Parse("""
            {"data":{"type":"event","attributes":{
              "properties":{"ProductID":"1111","ProductName":"Winnie the Pooh","Brand":"Kids Book","$extra":{"html_snippet":"<p>not segmentable</p>"}},
              "time":"2026-07-20T14:03:00+00:00","value":9.99,"value_currency":"USD","unique_id":"order-4711-viewed-product-1111",
              "metric":{"data":{"type":"metric","attributes":{"name":"Viewed Product"}}},
              "profile":{"data":{"type":"profile","attributes":{"email":"sarah.mason@klaviyo-demo.com","external_id":"crm-12345","first_name":"Sarah"}}}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body!)), "body was " + request.Body);
        Assert.Contains("<p>not segmentable</p>", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_matches_the_spec_and_the_shared_example()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub);

        await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);

        var body = Assert.Single(stub.Requests).Body!;
        OpenApiContract.AssertValid("POST", "/api/events", body);
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "klaviyo", "examples", "create_event.json")));
        Assert.True(JsonNode.DeepEquals(example, JsonNode.Parse(body)), "body differs from examples/create_event.json: " + body);
    }

    [Fact]
    public async Task Revision_and_base_url_are_configurable()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub, o =>
        {
            o.Revision = "2025-10-15";
            o.BaseUrl = new Uri(stub.Url.AbsoluteUri.TrimEnd('/'));
        });

        await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);

        var request = Assert.Single(stub.Requests);
        Assert.Equal("2025-10-15", request.Header("revision"));
        Assert.Equal("/api/events", request.Path);
    }

    [Fact]
    public async Task Unset_members_are_not_sent_but_properties_always_is()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub);
        var bare = SampleEvents.ViewedProduct(uniqueId: null, properties: new Dictionary<string, JsonElement>()) with { };
        bare = new Events.EventResource(bare.Attributes with { Value = null, ValueCurrency = null, Time = null });

        await harness.Client.CreateEventAsync(bare, TestContext.Current.CancellationToken);

        var attributes = JsonNode.Parse(Assert.Single(stub.Requests).Body!)!["data"]!["attributes"]!.AsObject();
        Assert.False(attributes.ContainsKey("value"));
        Assert.False(attributes.ContainsKey("value_currency"));
        Assert.False(attributes.ContainsKey("time"));
        Assert.False(attributes.ContainsKey("unique_id"));
        Assert.Equal("{}", attributes["properties"]!.ToJsonString());
    }

    [Fact]
    public async Task Missing_key_fails_before_anything_is_sent()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub, o => o.ApiKey = null);

        var failure = await Assert.ThrowsAsync<KlaviyoConfigurationException>(
            () => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Contains("KLAVIYO_API_KEY", failure.Message);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Cancellation_reaches_the_request_in_flight()
    {
        using var silent = new SilentServer();
        using var stub = new KlaviyoStub();
        using var harness = new ClientHarness(stub, o => o.BaseUrl = silent.Url);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var call = harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), cancel.Token);
        await WaitUntil(() => silent.Requests == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, silent.Requests);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "condition not reached in 10 s");
    }
}
