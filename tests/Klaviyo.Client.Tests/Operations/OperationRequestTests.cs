using System.Text.Json;
using Klaviyo.Client.Operations;

namespace Klaviyo.Client.Tests;

/// <summary>Path and query parameters of a request: checked before anything is sent, and written the way Klaviyo expects.</summary>
public sealed class OperationRequestTests
{
    private static ApiOperation Op(string id) => OperationCatalog.Default.Find(id)!;

    [Fact]
    public void Path_parameters_must_all_be_given_not_blank_and_known()
    {
        Assert.Equal(
            [new OperationViolation("path_params.id", "is required: get_profile is GET /api/profiles/{id}")],
            Op("get_profile").ValidateRequest(null, null, null));
        Assert.Equal(
            [new OperationViolation("path_params.id", "must not be blank"), new OperationViolation("path_params.list_id", "is not a path parameter of get_profile; it takes: id")],
            Op("get_profile").ValidateRequest(Paths(("id", " "), ("list_id", "L1")), null, null));
        Assert.Equal(
            [new OperationViolation("path_params.id", "is not a path parameter: get_profiles takes none")],
            Op("get_profiles").ValidateRequest(Paths(("id", "P1")), null, null));
        Assert.Empty(Op("get_profile").ValidateRequest(Paths(("id", "01ABC")), null, null));
    }

    [Fact]
    public void A_client_side_operation_is_refused_whatever_the_arguments()
    {
        var violations = Op("create_client_event").ValidateRequest(null, Query(("company_id", "PUB")), Op("create_client_event").ExampleBody());

        Assert.Equal([new OperationViolation("operation", "create_client_event is a client-side operation (for browsers and apps, with a public key): it is not called with a private key")], violations);
    }

    [Fact]
    public void An_unknown_query_parameter_names_the_ones_the_operation_takes()
    {
        var violation = Assert.Single(Op("get_lists").ValidateRequest(null, Query(("page_size", "5")), null));

        Assert.Equal("query.page_size", violation.Path);
        Assert.Equal("is not a query parameter of get_lists (did you mean page[size]?); it takes: fields[flow], fields[list], fields[tag], filter, include, page[cursor], page[size], sort", violation.Rule);
        Assert.Equal("is not a query parameter: delete_list takes none", Op("delete_list").ValidateRequest(Paths(("id", "L1")), Query(("filter", "x")), null).Single().Rule);
    }

    [Theory]
    [InlineData("5", true)]
    [InlineData("100", true)]
    [InlineData("\"20\"", true)]
    [InlineData("0", false)]
    [InlineData("101", false)]
    [InlineData("2.5", false)]
    [InlineData("\"ten\"", false)]
    [InlineData("true", false)]
    public void Page_size_is_a_whole_number_within_the_operations_bounds(string json, bool valid)
    {
        var violations = Op("get_profiles").ValidateRequest(null, new Dictionary<string, JsonElement> { ["page[size]"] = Json(json) }, null);

        Assert.Equal(valid ? [] : [new OperationViolation("query.page[size]", "must be a whole number from 1 to 100")], violations);
    }

    [Fact]
    public void Fields_additional_fields_and_include_take_allowed_values_as_a_string_or_an_array()
    {
        var profiles = Op("get_profiles");
        Assert.Empty(profiles.ValidateRequest(null, new Dictionary<string, JsonElement>
        {
            ["fields[profile]"] = Json("\"email, first_name,location.city\""),
            ["additional-fields[profile]"] = Json("[\"subscriptions\",\"predictive_analytics\"]"),
            ["include"] = Json("\"push-tokens\""),
        }, null));

        var violations = profiles.ValidateRequest(null, new Dictionary<string, JsonElement>
        {
            ["fields[profile]"] = Json("\"email,fist_name\""),
            ["additional-fields[profile]"] = Json("[\"lists\"]"),
            ["include"] = Json("{\"a\":1}"),
        }, null);

        Assert.Equal(3, violations.Count);
        Assert.StartsWith("\"fist_name\" is not allowed (did you mean first_name?); allowed: created, email,", violations[0].Rule);
        Assert.Equal(new OperationViolation("query.additional-fields[profile]", "\"lists\" is not allowed; allowed: subscriptions, predictive_analytics"), violations[1]);
        Assert.Equal(new OperationViolation("query.include", "must be a comma-separated string or an array of strings"), violations[2]);
    }

    [Fact]
    public void Sort_and_enumerated_parameters_take_one_allowed_value()
    {
        Assert.Empty(Op("get_profiles").ValidateRequest(null, Query(("sort", "-created")), null));
        var violation = Op("get_profiles").ValidateRequest(null, Query(("sort", "-craeted")), null).Single();
        Assert.StartsWith("\"-craeted\" is not allowed (did you mean -created?); allowed: created, -created,", violation.Rule);
        Assert.Contains("must be a single value, not an array", Op("get_profiles").ValidateRequest(null, new Dictionary<string, JsonElement> { ["sort"] = Json("[\"created\"]") }, null).Single().Rule);
    }

    [Fact]
    public void Required_query_parameters_must_be_present()
    {
        var violation = Op("get_campaigns").ValidateRequest(null, null, null).Single();
        Assert.Equal("query.filter", violation.Path);
        Assert.StartsWith("is required by get_campaigns; filterable fields: id, messages.channel, name, status,", violation.Rule);

        Assert.Empty(Op("get_campaigns").ValidateRequest(null, Query(("filter", "equals(messages.channel,'email')")), null));
        Assert.Contains(Op("get_client_review_values_reports").ValidateRequest(null, Query(("company_id", "PUB"), ("statistics", "average_rating")), null),
            v => v.Path == "query.timeframe" && v.Rule.StartsWith("is required by get_client_review_values_reports; one of all_time,", StringComparison.Ordinal));
    }

    [Fact]
    public void The_filter_is_parsed_and_checked_against_the_operations_filter_fields()
    {
        var violations = Op("get_profiles").ValidateRequest(null, Query(("filter", "greater-than(created,'2024-01-01T00:00:00Z'),equals(nope,'x')")), null);

        Assert.Equal(2, violations.Count);
        Assert.All(violations, v => Assert.Equal("query.filter", v.Path));
        Assert.Contains("date-times are not quoted", violations[0].Rule);
        Assert.Contains("'nope' cannot be filtered on", violations[1].Rule);

        Assert.Equal(
            [new OperationViolation("query.filter", "at character 1: Klaviyo filters have no or(...): conditions can only be combined with and(...) or with commas, which both mean AND")],
            Op("get_profiles").ValidateRequest(null, Query(("filter", "or(equals(email,'a'),equals(email,'b'))")), null));
        Assert.Equal("must be a string such as equals(email,\"someone@example.com\")",
            Op("get_profiles").ValidateRequest(null, new Dictionary<string, JsonElement> { ["filter"] = Json("3") }, null).Single().Rule);
    }

    [Fact]
    public void Path_query_and_body_violations_come_together()
    {
        using var body = JsonDocument.Parse("""{"data":{"type":"list","id":"L1","attributes":{"title":"x"}}}""");
        var violations = Op("update_list").ValidateRequest(null, Query(("fields[list]", "nam")), body.RootElement);

        Assert.Equal(["path_params.id", "query.fields[list]", "body.data.attributes.title"], violations.Select(v => v.Path));
    }

    [Fact]
    public void Null_query_values_count_as_not_given()
    {
        Assert.Empty(Op("get_profiles").ValidateRequest(null, new Dictionary<string, JsonElement> { ["sort"] = Json("null") }, null));
        Assert.Equal("", Op("get_profiles").BuildQueryString(new Dictionary<string, JsonElement> { ["sort"] = Json("null") }));
    }

    [Fact]
    public void The_path_has_each_parameter_escaped_and_no_leading_slash()
    {
        Assert.Equal("api/profiles/abc%2F1", Op("get_profile").BuildPath(Paths(("id", "abc/1"))));
        Assert.Equal("api/lists/L%201/relationships/profiles", Op("add_profiles_to_list").BuildPath(Paths(("id", "L 1"))));
        Assert.Equal("api/profiles", Op("get_profiles").BuildPath(null));
        Assert.Throws<ArgumentException>(() => Op("get_profile").BuildPath(Paths(("id", ""))));
    }

    [Fact]
    public void The_query_string_is_written_exactly_as_KlaviyoQuery_writes_it()
    {
        var expected = new KlaviyoQuery()
            .Filter("equals(email,\"a+b@example.com\"),greater-than(created,2024-01-01T00:00:00+00:00)")
            .Sort("-created")
            .PageSize(50)
            .Cursor("abc/def==")
            .Fields("profile", ["email", "first_name"])
            .AdditionalFields("profile", ["subscriptions"])
            .Include(["push-tokens"])
            .ToString();

        var written = Op("get_profiles").BuildQueryString(new Dictionary<string, JsonElement>
        {
            ["include"] = Json("[\"push-tokens\"]"),
            ["fields[profile]"] = Json("\"email, first_name\""),
            ["page[size]"] = Json("50"),
            ["additional-fields[profile]"] = Json("\"subscriptions\""),
            ["sort"] = Json("\"-created\""),
            ["filter"] = Json("\"equals(email,\\\"a+b@example.com\\\"),greater-than(created,2024-01-01T00:00:00+00:00)\""),
        }, cursor: "abc/def==");

        Assert.Equal(expected, written);
        Assert.StartsWith("?filter=equals%28email%2C%22a%2Bb%40example.com%22%29", written);
    }

    [Fact]
    public void The_cursor_goes_into_the_operations_own_cursor_parameter()
    {
        Assert.Equal("?page_cursor=c1", Op("query_campaign_values").BuildQueryString(null, "c1"));
        Assert.Equal("?page%5Bcursor%5D=c1".Replace("%5B", "[").Replace("%5D", "]"), Op("get_lists").BuildQueryString(null, "c1"));
        Assert.Equal("", Op("get_account").BuildQueryString(null, "c1"));
        Assert.Equal("", Op("get_lists").BuildQueryString(null));
    }

    private static Dictionary<string, string?> Paths(params (string Name, string? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    private static Dictionary<string, JsonElement> Query(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => Json(JsonSerializer.Serialize(v.Value)));

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
