using System.Text.Json.Nodes;
using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class SubscriptionToolsTests
{
    private const string SubscribePath = "/api/profile-subscription-bulk-create-jobs";
    private const string UnsubscribePath = "/api/profile-subscription-bulk-delete-jobs";

    [Fact]
    public async Task Subscribe_sends_each_profile_on_the_channels_it_has_identifiers_for()
    {
        using var stub = new KlaviyoStub().Answer("POST", SubscribePath, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("subscribe_profiles", """
            {"profiles":[{"email":"matt@klaviyo-demo.com","phone_number":"+15005550006"},{"phone_number":"+15005550007"},{"email":"ann@klaviyo-demo.com"}],
             "channels":["email","sms"],"list_id":"Y6nRLr"}
            """)).AssertSuccess();

        var request = Assert.Single(stub.Requests);
        request.AssertKlaviyoHeaders();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"data":{"type":"profile-subscription-bulk-create-job","attributes":{"profiles":{"data":[
              {"type":"profile","attributes":{"subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}},"sms":{"marketing":{"consent":"SUBSCRIBED"}}},"email":"matt@klaviyo-demo.com","phone_number":"+15005550006"}},
              {"type":"profile","attributes":{"subscriptions":{"sms":{"marketing":{"consent":"SUBSCRIBED"}}},"phone_number":"+15005550007"}},
              {"type":"profile","attributes":{"subscriptions":{"email":{"marketing":{"consent":"SUBSCRIBED"}}},"email":"ann@klaviyo-demo.com"}}]}},
             "relationships":{"list":{"data":{"type":"list","id":"Y6nRLr"}}}}}
            """), request.BodyJson()), request.Body);
        var structured = result.StructuredContent!.Value;
        Assert.Equal(1, structured.GetProperty("jobs_submitted").GetInt32());
        Assert.Equal(3, structured.GetProperty("profiles").GetInt32());
        Assert.Equal("Y6nRLr", structured.GetProperty("list_id").GetString());
    }

    [Fact]
    public async Task Subscribing_2500_profiles_sends_jobs_of_1000_1000_and_500()
    {
        using var stub = new KlaviyoStub().Answer("POST", SubscribePath, 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        var profiles = string.Join(',', Enumerable.Range(0, 2500).Select(i => $$"""{"email":"p{{i}}@klaviyo-demo.com"}"""));

        var result = (await mcp.CallAsync("subscribe_profiles", $$$"""{"profiles":[{{{profiles}}}],"channels":["email"]}""")).AssertSuccess();

        Assert.Equal([1000, 1000, 500], stub.Requests.Select(r => r.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Count));
        var sent = stub.Requests.SelectMany(r => r.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Select(p => (string)p!["attributes"]!["email"]!)).ToList();
        Assert.Equal(2500, sent.Distinct().Count());
        Assert.Equal(3, result.StructuredContent!.Value.GetProperty("jobs_submitted").GetInt32());
    }

    [Fact]
    public async Task Unsubscribing_250_profiles_sends_jobs_of_100_100_and_50()
    {
        using var stub = new KlaviyoStub().Answer("POST", UnsubscribePath, 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        var profiles = string.Join(',', Enumerable.Range(0, 250).Select(i => $$"""{"email":"p{{i}}@klaviyo-demo.com"}"""));

        (await mcp.CallAsync("unsubscribe_profiles", $$$"""{"profiles":[{{{profiles}}}],"channels":["email"],"list_id":"Y6nRLr"}""")).AssertSuccess();

        Assert.Equal([100, 100, 50], stub.Requests.Select(r => r.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Count));
        var first = stub.Requests[0].BodyJson()["data"]!;
        Assert.Equal("profile-subscription-bulk-delete-job", (string?)first["type"]);
        Assert.Equal("UNSUBSCRIBED", (string?)first["attributes"]!["profiles"]!["data"]![0]!["attributes"]!["subscriptions"]!["email"]!["marketing"]!["consent"]);
    }

    [Fact]
    public async Task A_failure_after_some_jobs_says_what_was_already_accepted()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("POST", UnsubscribePath,
            r => Response(202),
            r => Response(400, ErrorBody(400, "invalid", "Bad profile.")));
        await using var mcp = await McpHarness.StartAsync(stub);
        var profiles = string.Join(',', Enumerable.Range(0, 150).Select(i => $$"""{"email":"p{{i}}@klaviyo-demo.com"}"""));

        var result = await mcp.CallAsync("unsubscribe_profiles", $$$"""{"profiles":[{{{profiles}}}],"channels":["email"]}""");

        Assert.True(result.IsError);
        Assert.Contains("1 of 2 requests (100 items) had been accepted before this failure", result.Text());
    }

    [Fact]
    public async Task Historical_import_carries_consented_at()
    {
        using var stub = new KlaviyoStub().Answer("POST", SubscribePath, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("subscribe_profiles", """
            {"profiles":[{"email":"a@klaviyo-demo.com"}],"channels":["email"],"historical_import":true,"consented_at":"2024-05-01T10:00:00Z"}
            """)).AssertSuccess();

        var attributes = Assert.Single(stub.Requests).BodyJson()["data"]!["attributes"]!;
        Assert.True((bool?)attributes["historical_import"]);
        Assert.Equal("2024-05-01T10:00:00+00:00", (string?)attributes["profiles"]!["data"]![0]!["attributes"]!["subscriptions"]!["email"]!["marketing"]!["consented_at"]);
    }

    [Theory]
    [InlineData("""{"profiles":[],"channels":["email"]}""", "profiles: must list at least one profile")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":[]}""", "channels: must list at least one channel")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":["push"]}""", "channels[0]: \"push\" is not one of email, sms")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":["sms"]}""", "profiles[0]: has no identifier for the channels given (sms)")]
    [InlineData("""{"profiles":[{"email":"a@"}],"channels":["email"]}""", "profiles[0].email: \"a@\" is not an email address")]
    [InlineData("""{"profiles":[{}],"channels":["email"]}""", "profiles[0]: needs at least one identifier: email or phone_number")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":["email"],"consented_at":"2024-05-01T10:00:00Z"}""", "consented_at: is only allowed with historical_import: true")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":["email"],"historical_import":true}""", "consented_at: is required with historical_import: true")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":["email"],"historical_import":true,"consented_at":"2999-01-01T00:00:00Z"}""", "consented_at: \"2999-01-01T00:00:00Z\" is in the future")]
    [InlineData("""{"profiles":[{"email":"a@b.co"}],"channels":["email"],"list_id":"L1","list_name":"VIP"}""", "list_id: give list_id or list_name, not both")]
    public async Task Subscribe_refuses_bad_arguments_without_sending(string arguments, string expected)
    {
        using var stub = new KlaviyoStub().Answer("POST", SubscribePath, 202);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("subscribe_profiles", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Subscribe_resolves_a_list_name()
    {
        using var stub = new KlaviyoStub().Answer("POST", SubscribePath, 202);
        var account = new FakeKlaviyoAccount(stub);
        var listId = account.AddList("Newsletter");
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("subscribe_profiles", """{"profiles":[{"email":"a@klaviyo-demo.com"}],"channels":["email"],"list_name":"Newsletter"}""")).AssertSuccess();

        var lookup = stub.Requests.First(r => r.Path == "/api/lists");
        Assert.Equal([("filter", "equals(name,\"Newsletter\")"), ("fields[list]", "name")], lookup.Parameters());
        var job = stub.Requests.Single(r => r.Path == SubscribePath);
        Assert.Equal(listId, (string?)job.BodyJson()["data"]!["relationships"]!["list"]!["data"]!["id"]);
    }

    [Fact]
    public async Task Suppressing_150_emails_sends_jobs_of_100_and_50_and_unsuppress_uses_the_delete_job()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/profile-suppression-bulk-create-jobs", 202)
            .Answer("POST", "/api/profile-suppression-bulk-delete-jobs", 202);
        await using var mcp = await McpHarness.StartAsync(stub);
        var emails = string.Join(',', Enumerable.Range(0, 150).Select(i => $"\"p{i}@klaviyo-demo.com\""));

        (await mcp.CallAsync("suppress_profiles", $$"""{"emails":[{{emails}}]}""")).AssertSuccess();
        (await mcp.CallAsync("unsuppress_profiles", """{"emails":["p1@klaviyo-demo.com"]}""")).AssertSuccess();

        var suppress = stub.Requests.Where(r => r.Path.EndsWith("create-jobs", StringComparison.Ordinal)).ToList();
        Assert.Equal([100, 50], suppress.Select(r => r.BodyJson()["data"]!["attributes"]!["profiles"]!["data"]!.AsArray().Count));
        var unsuppress = Assert.Single(stub.Requests, r => r.Path.EndsWith("delete-jobs", StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"data":{"type":"profile-suppression-bulk-delete-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"p1@klaviyo-demo.com"}}]}}}}"""),
            unsuppress.BodyJson()));
    }

    [Fact]
    public async Task Suppress_refuses_invalid_emails_by_index()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("suppress_profiles", """{"emails":["a@b.co","bad",""]}""");

        Assert.True(result.IsError);
        Assert.Contains("emails[1]: \"bad\" is not an email address", result.Text());
        Assert.Contains("emails[2]: \"\" is not an email address", result.Text());
        Assert.Empty(stub.Requests);
    }
}
