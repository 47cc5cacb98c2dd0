using System.Text.Json.Nodes;
using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

public sealed class ProfileToolsTests
{
    private const string OneProfile = """
        {"data":[{"type":"profile","id":"01P","attributes":{"email":"a@b.co","first_name":"Ann","last_name":null,"location":{"city":null}},
          "relationships":{"lists":{"links":{"self":"x"}}},"links":{"self":"x"}}],
         "links":{"self":"http://127.0.0.1/api/profiles/","next":"http://127.0.0.1/api/profiles/?filter=x&page%5Bcursor%5D=bmV4dA%3D%3D"}}
        """;

    [Fact]
    public async Task Get_profiles_by_email_sends_an_equals_filter_and_flattens_the_page()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 200, OneProfile);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_profiles", """{"email":"a@b.co"}""")).AssertSuccess();

        var request = Assert.Single(stub.Requests);
        request.AssertKlaviyoHeaders();
        Assert.Equal("?filter=equals%28email%2C%22a%40b.co%22%29&page[size]=20", request.Query);
        Assert.Equal("""{"items":[{"id":"01P","email":"a@b.co","first_name":"Ann"}],"next_cursor":"bmV4dA==","untrusted":["/items/0/first_name"]}""", result.Text());
    }

    [Fact]
    public async Task Get_profiles_joins_conditions_with_and_and_passes_sort_fields_and_additional_fields()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 200, OneProfile);
        await using var mcp = await McpHarness.StartAsync(stub);

        await mcp.CallAsync("get_profiles", """
            {"phone_number":"+15005550006","external_id":"crm \"7\"","filter":"greater-than(created,2026-01-01T00:00:00Z)","sort":"-updated",
             "page_size":100,"cursor":"abc","fields":["email","first_name"],"additional_fields":["subscriptions","predictive_analytics"]}
            """);

        var request = Assert.Single(stub.Requests);
        Assert.Equal(
            [
                ("filter", """and(equals(phone_number,"+15005550006"),equals(external_id,"crm \"7\""),greater-than(created,2026-01-01T00:00:00Z))"""),
                ("sort", "-updated"),
                ("page[size]", "100"),
                ("page[cursor]", "abc"),
                ("fields[profile]", "email,first_name"),
                ("additional-fields[profile]", "subscriptions,predictive_analytics"),
            ],
            request.Parameters());
    }

    [Theory]
    [InlineData("""{"page_size":101}""", "page_size: 101 is outside 1 to 100")]
    [InlineData("""{"page_size":0}""", "page_size: 0 is outside 1 to 100")]
    [InlineData("""{"sort":"name"}""", "sort: \"name\" is not one of")]
    [InlineData("""{"additional_fields":["predictive"]}""", "additional_fields[0]: \"predictive\" is not one of subscriptions, predictive_analytics")]
    [InlineData("""{"email":"nope"}""", "email: \"nope\" is not an email address")]
    [InlineData("""{"cursor":"mcp1.%%%"}""", "cursor: is not a cursor this server gave out")]
    public async Task Get_profiles_refuses_bad_arguments_without_sending(string arguments, string expected)
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 200, OneProfile);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("get_profiles", arguments);

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_bad_raw_filter_is_reported_on_the_filter_argument()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 400, ErrorBody(400, "invalid", "'nope' is not a valid filter.", parameter: "filter"));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("get_profiles", """{"filter":"nope"}""");

        Assert.True(result.IsError);
        Assert.Contains("'nope' is not a valid filter. (argument: filter)", result.Text());
    }

    [Fact]
    public async Task Get_profile_includes_lists_and_segments_with_their_names()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles/01P", 200, """
            {"data":{"type":"profile","id":"01P","attributes":{"email":"a@b.co"},
              "relationships":{"lists":{"data":[{"type":"list","id":"L1"}]},"segments":{"data":[{"type":"segment","id":"S1"}]}}},
             "included":[{"type":"list","id":"L1","attributes":{"name":"VIP"}},{"type":"segment","id":"S1","attributes":{"name":"Engaged"}}]}
            """);
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("get_profile", """{"id":"01P","include":["lists","segments"],"additional_fields":["subscriptions"]}""")).AssertSuccess();

        var request = Assert.Single(stub.Requests);
        Assert.Equal([("include", "lists,segments"), ("additional-fields[profile]", "subscriptions"), ("fields[list]", "name"), ("fields[segment]", "name")], request.Parameters());
        Assert.Equal("""{"id":"01P","email":"a@b.co","lists":[{"id":"L1","name":"VIP"}],"segments":[{"id":"S1","name":"Engaged"}]}""", result.Text());
    }

    [Fact]
    public async Task Create_profile_sends_a_spec_valid_body_and_returns_the_profile()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/profiles", 201, """{"data":{"type":"profile","id":"01NEW","attributes":{"email":"sarah@klaviyo-demo.com","first_name":"Sarah"},"links":{"self":"x"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("create_profile", """
            {"email":"sarah@klaviyo-demo.com","phone_number":"+15005550006","first_name":"Sarah","location":{"city":"New York","latitude":40.7},"properties":{"pseudonym":"Dr. Octopus"}}
            """)).AssertSuccess();

        var request = Assert.Single(stub.Requests);
        request.AssertKlaviyoHeaders();
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"data":{"type":"profile","attributes":{"email":"sarah@klaviyo-demo.com","phone_number":"+15005550006","first_name":"Sarah","location":{"city":"New York","latitude":40.7},"properties":{"pseudonym":"Dr. Octopus"}}}}"""),
            request.BodyJson()), request.Body);
        Assert.Equal("01NEW", result.StructuredContent!.Value.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_duplicate_profile_gives_the_existing_id_and_points_to_update_profile()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/profiles", 409,
            ErrorBody(409, "duplicate_profile", "A profile already exists with one of these identifiers.", pointer: "/data/attributes", meta: """{"duplicate_profile_id":"01EXISTING"}"""));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_profile", """{"email":"a@b.co"}""");

        Assert.True(result.IsError);
        Assert.Contains("already exists (id \"01EXISTING\")", result.Text());
        Assert.Contains("update_profile with id \"01EXISTING\"", result.Text());
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Create_profile_needs_an_identifier()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_profile", """{"first_name":"Ann"}""");

        Assert.True(result.IsError);
        Assert.Contains("arguments: needs at least one identifier: email, phone_number or external_id", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Update_profile_sends_null_to_clear_leaves_out_what_was_not_given_and_patches_properties()
    {
        using var stub = new KlaviyoStub().Answer("PATCH", "/api/profiles/01P", 200, """{"data":{"type":"profile","id":"01P","attributes":{"email":"a@b.co","first_name":"Ann"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("update_profile", """
            {"id":"01P","first_name":"Ann","last_name":null,"location":null,"properties":{"tier":"platinum"},
             "unset_properties":["old_tier"],"append":{"skus":"92538"},"unappend":{"skus":"1"}}
            """)).AssertSuccess();

        var request = Assert.Single(stub.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"data":{"type":"profile","id":"01P","attributes":{"first_name":"Ann","last_name":null,"location":null,"properties":{"tier":"platinum"}},
                 "meta":{"patch_properties":{"append":{"skus":"92538"},"unappend":{"skus":"1"},"unset":["old_tier"]}}}}
                """),
            request.BodyJson()), request.Body);
    }

    [Fact]
    public async Task Update_profile_with_nothing_to_change_is_refused()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("update_profile", """{"id":"01P"}""");

        Assert.True(result.IsError);
        Assert.Contains("nothing to change", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Theory]
    [InlineData(201, "created")]
    [InlineData(200, "updated")]
    public async Task Create_or_update_profile_says_which_happened(int status, string outcome)
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/profile-import", status, """{"data":{"type":"profile","id":"01P","attributes":{"email":"a@b.co","created":"2026-01-01T00:00:00+00:00"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("create_or_update_profile", """{"email":"a@b.co","external_id":"crm-1","first_name":"Ann"}""")).AssertSuccess();

        Assert.Equal(outcome, result.StructuredContent!.Value.GetProperty("outcome").GetString());
        Assert.Equal("01P", result.StructuredContent.Value.GetProperty("profile").GetProperty("id").GetString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"data":{"type":"profile","attributes":{"email":"a@b.co","external_id":"crm-1","first_name":"Ann"}}}"""),
            Assert.Single(stub.Requests).BodyJson()));
    }

    [Fact]
    public async Task Create_or_update_profile_is_retried_after_a_503_since_an_upsert_is_safe_to_repeat()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/profile-import",
            r => Response(503, ErrorBody(503, "unavailable", "down")),
            r => Response(201, """{"data":{"type":"profile","id":"01P","attributes":{"email":"a@b.co"}}}"""));
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("create_or_update_profile", """{"email":"a@b.co"}""")).AssertSuccess();

        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Create_profile_is_retried_after_a_503_since_Klaviyo_refuses_duplicates()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/profiles",
            r => Response(503, ErrorBody(503, "unavailable", "down")),
            r => Response(201, """{"data":{"type":"profile","id":"01NEW","attributes":{"email":"a@b.co"}}}"""));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("create_profile", """{"email":"a@b.co"}""")).AssertSuccess();

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("01NEW", result.StructuredContent!.Value.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_duplicate_on_the_retry_is_the_profile_the_lost_attempt_created_and_is_reported_as_success()
    {
        using var stub = new KlaviyoStub()
            .AnswerInSequence("POST", "/api/profiles",
                r => Response(503, ErrorBody(503, "unavailable", "down")),
                r => Response(409, ErrorBody(409, "duplicate_profile", "A profile already exists with one of these identifiers.", pointer: "/data/attributes", meta: """{"duplicate_profile_id":"01LOST"}""")))
            .Answer("GET", "/api/profiles/01LOST", 200, """{"data":{"type":"profile","id":"01LOST","attributes":{"email":"a@b.co"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = (await mcp.CallAsync("create_profile", """{"email":"a@b.co"}""")).AssertSuccess();

        Assert.Equal(2, stub.Requests.Count(r => r.Method == "POST"));
        Assert.Equal("01LOST", result.StructuredContent!.Value.GetProperty("id").GetString());
        Assert.Contains("answer to the first attempt was lost", result.StructuredContent.Value.GetProperty("note").GetString());
    }
}
