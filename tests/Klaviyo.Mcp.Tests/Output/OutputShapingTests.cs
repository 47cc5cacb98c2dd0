using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Output;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

public sealed class OutputShapingTests
{
    [Fact]
    public void Flattening_keeps_id_and_attributes_and_drops_nulls_empty_objects_links_and_relationships()
    {
        var resource = JsonDocument.Parse("""
            {"type":"profile","id":"01A","attributes":{"email":"a@b.co","first_name":null,"location":{"city":null,"zip":null},
             "properties":{"tier":"gold","empty":{},"tags":["x",null]},"created":"2026-01-01T00:00:00+00:00"},
             "relationships":{"lists":{"links":{"self":"https://a.klaviyo.com/x"}}},"links":{"self":"https://a.klaviyo.com/api/profiles/01A/"}}
            """).RootElement;

        var flat = JsonApiShaper.Flatten(resource);

        // A profile's properties were written by people outside the account: listed under the marker until the result is marked.
        Assert.Equal("""{"id":"01A","email":"a@b.co","properties":{"tier":"gold","tags":["x",null]},"created":"2026-01-01T00:00:00+00:00","\u0000untrusted":["properties"]}""", flat.ToJsonString(McpJson.Options));
    }

    [Fact]
    public void Included_resources_are_attached_to_their_owner()
    {
        var document = new JsonApiDocument(System.Net.HttpStatusCode.OK, JsonDocument.Parse("""
            {"data":{"type":"profile","id":"01A","attributes":{"email":"a@b.co"},
              "relationships":{"lists":{"data":[{"type":"list","id":"L1"},{"type":"list","id":"L2"}]},"segments":{"data":[]}}},
             "included":[{"type":"list","id":"L1","attributes":{"name":"VIP"},"links":{"self":"x"}},{"type":"list","id":"L2","attributes":{"name":"News"}}]}
            """).RootElement);

        var flat = Assert.Single(JsonApiShaper.FlattenAll(document));

        Assert.Equal("""{"id":"01A","email":"a@b.co","lists":[{"id":"L1","name":"VIP"},{"id":"L2","name":"News"}]}""", flat.ToJsonString(McpJson.Options));
    }

    [Fact]
    public void A_page_of_20_realistic_profiles_costs_at_most_35_percent_of_Klaviyos_bytes()
    {
        using var stub = new KlaviyoStub();
        var account = new FakeKlaviyoAccount(stub);
        var profiles = Enumerable.Range(1, 20).Select(i =>
        {
            var profile = account.AddProfile($"customer{i}@klaviyo-demo.com", i % 3 == 0 ? null : "Jordan");
            profile.LastName = i % 2 == 0 ? "Rivera" : null;
            profile.City = i % 4 == 0 ? "Boston" : null;
            profile.PropertiesJson = $$"""{"loyalty_tier":"{{(i % 2 == 0 ? "gold" : "silver")}}","orders":{{i}},"source":"shopify"}""";
            return profile;
        }).ToList();
        var raw = account.ProfilePage(profiles, nextCursor: "bmV4dHBhZ2VjdXJzb3I");
        var document = new JsonApiDocument(System.Net.HttpStatusCode.OK, JsonDocument.Parse(raw).RootElement);

        var result = ToolResults.Page(document, PageCursor.First, new ResultBudget(ResultBudget.DefaultMaxBytes));
        var text = Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(result.Content)).Text;

        var ratio = (double)Encoding.UTF8.GetByteCount(text) / Encoding.UTF8.GetByteCount(raw);
        TestContext.Current.SendDiagnosticMessage($"20 profiles: {Encoding.UTF8.GetByteCount(text)} of {Encoding.UTF8.GetByteCount(raw)} bytes ({ratio:P1})");
        Assert.True(ratio <= 0.35, $"compact result is {ratio:P0} of Klaviyo's response ({Encoding.UTF8.GetByteCount(text)} of {Encoding.UTF8.GetByteCount(raw)} bytes)");
        Assert.Equal(20, result.StructuredContent!.Value.GetProperty("items").GetArrayLength());
        Assert.Equal("bmV4dHBhZ2VjdXJzb3I", result.StructuredContent.Value.GetProperty("next_cursor").GetString());
    }

    [Fact]
    public void Text_is_compact_and_leaves_non_ASCII_and_plus_unescaped()
    {
        var result = ToolResults.Resource(new JsonObject { ["id"] = "1", ["name"] = "Jürgen <VIP> & co", ["phone_number"] = "+15005550006" }, new ResultBudget(80_000));

        var text = Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(result.Content)).Text;
        Assert.Equal("""{"id":"1","name":"Jürgen <VIP> & co","phone_number":"+15005550006"}""", text);
        Assert.Equal(text, result.StructuredContent!.Value.GetRawText());
    }

    [Fact]
    public void An_item_larger_than_the_budget_loses_its_largest_fields_and_says_which()
    {
        var big = new JsonObject { ["id"] = "1", ["email"] = "a@b.co", ["properties"] = new JsonObject { ["blob"] = new string('x', 20_000) } };

        var result = ToolResults.Collection([big], PageCursor.First, null, new ResultBudget(8_000));

        var item = result.StructuredContent!.Value.GetProperty("items")[0];
        Assert.Equal("a@b.co", item.GetProperty("email").GetString());
        Assert.Equal("properties", item.GetProperty("omitted_fields")[0].GetString());
        Assert.Contains("omitted_fields", result.StructuredContent.Value.GetProperty("note").GetString());
        Assert.True(Encoding.UTF8.GetByteCount(result.StructuredContent.Value.GetRawText()) <= 8_000);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("bmV4dA", 0)]
    [InlineData("bmV4dA", 7)]
    public void Cursors_round_trip(string? klaviyoCursor, int skip)
    {
        var cursor = new PageCursor(klaviyoCursor, skip);

        Assert.True(PageCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.False(PageCursor.TryDecode("mcp1.not base64!", out _));
    }

    [Fact]
    public async Task Walking_every_page_under_a_small_budget_returns_every_profile_exactly_once()
    {
        using var stub = new KlaviyoStub();
        var account = new FakeKlaviyoAccount(stub);
        for (var i = 0; i < 45; i++)
        {
            account.AddProfile($"p{i:D2}@klaviyo-demo.com").PropertiesJson = $$"""{"notes":"{{new string('n', 1_500)}}"}""";
        }

        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ResultBudgetVariable] = "12000" });

        var seen = new List<string>();
        string? cursor = null;
        var calls = 0;
        do
        {
            var arguments = cursor is null ? """{"page_size":20}""" : $$"""{"page_size":20,"cursor":"{{cursor}}"}""";
            var result = (await mcp.CallAsync("get_profiles", arguments)).AssertSuccess();
            var page = result.StructuredContent!.Value;
            Assert.True(Encoding.UTF8.GetByteCount(page.GetRawText()) <= 12_000, "a result exceeded the budget");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("email").GetString()!));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
            Assert.True(++calls < 50, "paging did not end");
        }
        while (cursor is not null);

        Assert.Equal(account.Profiles.Select(p => p.Email), seen);
        Assert.True(calls > 3, "the budget should have cut pages");
    }
}
