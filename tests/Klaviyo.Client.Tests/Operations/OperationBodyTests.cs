using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.Operations;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

/// <summary>Body schemas of the catalogue: examples that validate, violations that say where and what, display schemas that fit.</summary>
public sealed class OperationBodyTests
{
    private static readonly ApiOperation[] s_jsonBodies =
        [.. OperationCatalog.Default.Operations.Where(o => o.Body?.ContentType == RequestContentType.JsonApi)];

    public static TheoryData<string> WriteOperationsWithBodies =>
        [.. s_jsonBodies.Where(o => o.Access != OperationAccess.Read && !o.ClientSide).Select(o => o.Id)];

    [Fact]
    public void Every_example_body_is_valid_against_the_original_spec_and_the_catalogues_validator()
    {
        Assert.Equal(119, s_jsonBodies.Length);
        var failures = new List<string>();
        foreach (var operation in s_jsonBodies)
        {
            var example = operation.ExampleBody()!.Value;
            var text = example.GetRawText();
            var spec = OpenApiContract.Validate(operation.Method, ConcretePath(operation), text);
            if (spec.Count > 0)
            {
                failures.Add($"{operation.Id} (spec): {string.Join("; ", spec.Take(3))}\n    {Shorten(text)}");
            }

            var own = operation.ValidateBody(example);
            if (own.Count > 0)
            {
                failures.Add($"{operation.Id} (catalogue): {string.Join("; ", own.Take(3))}\n    {Shorten(text)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("add_profiles_to_list.json", "add_profiles_to_list")]
    [InlineData("bulk_create_events.json", "bulk_create_events")]
    [InlineData("bulk_import_profiles.json", "bulk_import_profiles")]
    [InlineData("campaign_values_report.json", "query_campaign_values")]
    [InlineData("create_event.json", "create_event")]
    [InlineData("create_list.json", "create_list")]
    [InlineData("create_or_update_profile.json", "create_or_update_profile")]
    [InlineData("create_profile.json", "create_profile")]
    [InlineData("flow_values_report.json", "query_flow_values")]
    [InlineData("metric_aggregates.json", "query_metric_aggregates")]
    [InlineData("subscribe_profiles.json", "bulk_subscribe_profiles")]
    [InlineData("suppress_profiles.json", "bulk_suppress_profiles")]
    [InlineData("unsubscribe_profiles.json", "bulk_unsubscribe_profiles")]
    [InlineData("update_flow.json", "update_flow")]
    [InlineData("update_list.json", "update_list")]
    [InlineData("update_profile.json", "update_profile")]
    public void Real_request_bodies_from_the_shared_examples_are_valid(string file, string id)
    {
        var body = Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "klaviyo", "examples", file)));

        Assert.Empty(OperationCatalog.Default.Find(id)!.ValidateBody(body));
    }

    [Theory]
    [MemberData(nameof(WriteOperationsWithBodies))]
    public void A_body_with_an_unknown_member_or_without_a_required_one_is_refused_with_its_path(string id)
    {
        var operation = OperationCatalog.Default.Find(id)!;
        var example = JsonNode.Parse(operation.ExampleBody()!.Value.GetRawText())!.AsObject();

        // Both at once, and both reported.
        example["unexpected_member"] = 1;
        var data = example["data"] is JsonArray items ? items[0]!.AsObject() : example["data"]!.AsObject();
        var dataPath = example["data"] is JsonArray ? "body.data[0]" : "body.data";
        Assert.True(data.Remove("type"), $"{id}: the example's data has no type");

        var violations = operation.ValidateBody(Parse(example.ToJsonString()));

        Assert.Contains(violations, v => v.Path == "body.unexpected_member" && v.Rule.StartsWith("is not defined by the schema; allowed here: data", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Path == dataPath + ".type" && v.Rule == "is required");
        Assert.Equal(violations.Count, violations.Distinct().Count());
    }

    [Fact]
    public void Every_problem_of_a_body_is_reported_at_once_in_plain_words()
    {
        var violations = Validate("create_list", """{"data":{"type":"lists","attributes":{"nme":"VIP","opt_in_process":"triple"}},"extra":1}""");

        Assert.Equal(
        [
            new("body.data.type", "must be one of list"),
            new("body.data.attributes.name", "is required"),
            new("body.data.attributes.opt_in_process", "must be one of double_opt_in, single_opt_in, null"),
            new("body.data.attributes.nme", "is not defined by the schema; allowed here: name, opt_in_process"),
            new("body.extra", "is not defined by the schema; allowed here: data"),
        ], violations.OrderBy(v => v.Path.StartsWith("body.extra", StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public void Types_formats_and_enums_are_named_in_the_rule()
    {
        var violations = Validate("create_event", """
            {"data":{"type":"event","attributes":{"properties":{},"time":"yesterday","value":"12",
              "metric":{"data":{"type":"metric","attributes":{"name":"Viewed"}}},
              "profile":{"data":{"type":"profile","attributes":{"email":"a@example.com"}}}}}}
            """);

        Assert.Contains(new OperationViolation("body.data.attributes.time", "must be a date-time such as 2026-01-01T09:00:00Z (ISO 8601 with a time zone)"), violations);
        Assert.Contains(violations, v => v.Path == "body.data.attributes.value" && v.Rule.Contains("not a string", StringComparison.Ordinal));
        Assert.Equal(2, violations.Count);
    }

    [Fact]
    public void A_union_is_explained_through_the_branch_its_discriminator_picks()
    {
        var violations = Validate("create_campaign", CampaignWithStrategy("""{"method":"throttled","datetime":"2026-01-01T09:00:00Z"}"""));

        Assert.Equal([new OperationViolation("body.data.attributes.send_strategy.throttle_percentage", "is required")], violations);
    }

    [Fact]
    public void A_union_that_no_branch_fits_lists_its_forms_once_instead_of_every_branchs_errors()
    {
        var violations = Validate("create_campaign", CampaignWithStrategy("""{"method":"weekly"}"""));

        var violation = Assert.Single(violations);
        Assert.Equal("body.data.attributes.send_strategy", violation.Path);
        Assert.StartsWith("must be one of these forms: an object with method \"static\"; an object with method \"throttled\"; an object with method \"immediate\"", violation.Rule);
    }

    [Fact]
    public void A_value_of_a_type_no_branch_takes_gets_the_types_the_branches_take()
    {
        var violations = Validate("create_profile", """{"data":{"type":"profile","attributes":{"email":"a@example.com","location":{"latitude":true}}}}""");

        Assert.Equal([new OperationViolation("body.data.attributes.location.latitude", "must be one of these forms: a string; a number; null")], violations);
    }

    [Fact]
    public void Times_of_day_need_no_zone_but_date_times_do()
    {
        var schema = OperationCatalog.Default.Find("update_flow_action")!;
        var body = """{"data":{"type":"flow-action","id":"A1","attributes":{"definition":{"type":"time-delay","data":{"unit":"days","value":1,"delay_until_time":"TIME","delay_until_weekdays":null,"timezone":"profile"}}}}}""";

        Assert.Empty(schema.ValidateBody(Parse(body.Replace("TIME", "09:00", StringComparison.Ordinal))));
        Assert.Empty(schema.ValidateBody(Parse(body.Replace("TIME", "09:00:00", StringComparison.Ordinal))));
        Assert.Contains(new OperationViolation("body.data.attributes.definition.data.delay_until_time", "must be a time of day such as 09:00 or 09:00:00"),
            schema.ValidateBody(Parse(body.Replace("TIME", "nine", StringComparison.Ordinal))));
    }

    [Fact]
    public void Bodies_are_validated_correctly_from_many_threads_at_once()
    {
        var operation = OperationCatalog.Default.Find("create_campaign")!;
        var valid = Parse(operation.ExampleBody()!.Value.GetRawText());
        var invalid = Parse(CampaignWithStrategy("""{"method":"throttled","datetime":"2026-01-01T09:00:00Z"}"""));
        var results = new int[64];

        Parallel.For(0, results.Length, i => results[i] = operation.ValidateBody(i % 2 == 0 ? valid : invalid).Count);

        Assert.All(results.Where((_, i) => i % 2 == 0), count => Assert.Equal(0, count));
        Assert.All(results.Where((_, i) => i % 2 == 1), count => Assert.Equal(1, count));
    }

    [Fact]
    public void Relationship_arrays_are_checked_item_by_item()
    {
        var violations = Validate("add_profiles_to_list", """{"data":[{"type":"profile","id":"P1"},{"type":"list","id":"P2"},{"type":"profile"}]}""");

        Assert.Equal(
        [
            new("body.data[1].type", "must be one of profile"),
            new("body.data[2].id", "is required"),
        ], violations);
    }

    [Fact]
    public void At_most_a_hundred_violations_are_listed_and_the_rest_counted()
    {
        var items = string.Join(",", Enumerable.Range(0, 150).Select(i => $$"""{"type":"list","id":"P{{i}}"}"""));
        var violations = Validate("add_profiles_to_list", $$"""{"data":[{{items}}]}""");

        Assert.Equal(101, violations.Count);
        Assert.Equal(new OperationViolation("body.data[0].type", "must be one of profile"), violations[0]);
        Assert.Equal(new OperationViolation("body", "50 more violations not shown"), violations[^1]);
    }

    [Fact]
    public void A_missing_body_or_one_the_operation_does_not_take_is_a_violation()
    {
        Assert.Equal([new OperationViolation("body", "is required: create_list takes a ListCreateQuery body")], OperationCatalog.Default.Find("create_list")!.ValidateBody(null));
        Assert.Equal([new OperationViolation("body", "must be left out: get_lists takes no body")], OperationCatalog.Default.Find("get_lists")!.ValidateBody(Parse("{}")));
        Assert.Empty(OperationCatalog.Default.Find("get_lists")!.ValidateBody(null));
        Assert.Empty(OperationCatalog.Default.Find("delete_list")!.ValidateBody(Parse("null")));
    }

    [Fact]
    public void Every_display_schema_fits_in_8_KB_has_no_references_and_small_ones_are_whole()
    {
        var sizes = new List<(string Id, int Bytes)>();
        foreach (var operation in OperationCatalog.Default.Operations.Where(o => o.Body is not null))
        {
            var text = operation.DisplaySchema!.Value.GetRawText();
            var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
            sizes.Add((operation.Id, bytes));
            Assert.True(bytes <= 8192, $"{operation.Id}: display schema is {bytes} bytes");
            Assert.DoesNotContain("\"$ref\"", text, StringComparison.Ordinal);
        }

        var largest = sizes.MaxBy(s => s.Bytes);
        Assert.InRange(largest.Bytes, 6000, 8192);
        Assert.DoesNotContain("not expanded", OperationCatalog.Default.Find("create_list")!.DisplaySchema!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("not expanded", OperationCatalog.Default.Find("create_flow")!.DisplaySchema!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Null(OperationCatalog.Default.Find("get_lists")!.DisplaySchema);
    }

    [Fact]
    public void A_display_schema_shows_every_level_above_the_first_that_did_not_fit_and_summarises_huge_enums()
    {
        var display = JsonNode.Parse(OperationCatalog.Default.Find("create_flow")!.DisplaySchema!.Value.GetRawText())!;
        var attributes = display["properties"]!["data"]!["properties"]!["attributes"]!;
        Assert.Equal(["name", "definition"], attributes["required"]!.AsArray().Select(n => (string)n!));
        Assert.NotNull(attributes["properties"]!["definition"]!["properties"]);

        var timezones = OperationCatalog.Default.Find("update_flow_action")!.DisplaySchema!.Value.GetRawText();
        Assert.DoesNotContain("Pacific/Auckland", timezones, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_bodies_name_the_right_resource_type()
    {
        Assert.Equal("""{"data":{"type":"list","attributes":{"name":"<name>"}}}""", OperationCatalog.Default.Find("create_list")!.ExampleBody()!.Value.GetRawText());
        Assert.Equal("campaign-send-job", OperationCatalog.Default.Find("send_campaign")!.ExampleBody()!.Value.GetProperty("data").GetProperty("type").GetString());
        Assert.Null(OperationCatalog.Default.Find("get_lists")!.ExampleBody());
    }

    private static List<OperationViolation> Validate(string id, string body) => [.. OperationCatalog.Default.Find(id)!.ValidateBody(Parse(body))];

    private static string CampaignWithStrategy(string strategy) =>
        """{"data":{"type":"campaign","attributes":{"name":"Spring","audiences":{"included":["L1"]},"send_strategy":"""
        + strategy
        + ""","campaign-messages":{"data":[{"type":"campaign-message","attributes":{"definition":{"channel":"email"}}}]}}}}""";

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string ConcretePath(ApiOperation operation) =>
        operation.PathParameters.Aggregate(operation.Path, (path, name) => path.Replace("{" + name + "}", "X1", StringComparison.Ordinal));

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "...";
}
