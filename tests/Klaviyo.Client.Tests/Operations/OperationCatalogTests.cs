using System.Text.Json.Nodes;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.OperationCatalogGeneration;
using Klaviyo.Testing;

namespace Klaviyo.Client.Tests;

/// <summary>
/// The checked-in catalogue (src/Klaviyo.Client/Operations/operations.json) is exactly what the generator makes from
/// the spec, and holds what the spec says. <c>UPDATE_OPERATIONS=true</c> rewrites the file instead of comparing (as does
/// <c>dotnet run --project tools/Klaviyo.Mcp.OperationCatalogGenerator -- &lt;spec&gt; &lt;out&gt;</c>).
/// </summary>
public sealed class OperationCatalogTests
{
    private static readonly Lazy<JsonObject> s_spec = new(() => JsonNode.Parse(File.ReadAllText(RepositoryPaths.OpenApiSpec))!.AsObject());

    /// <summary>Where the generated catalogue is checked in.</summary>
    private static readonly string s_catalogPath = Path.Combine(RepositoryPaths.Root, "src", "Klaviyo.Client", "Operations", "operations.json");

    private static OperationCatalog Catalog => OperationCatalog.Default;

    [Fact]
    public void The_checked_in_catalogue_is_what_the_generator_makes_from_the_spec()
    {
        var generated = OperationCatalogGenerator.Generate(File.ReadAllText(RepositoryPaths.OpenApiSpec));
        if (Environment.GetEnvironmentVariable("UPDATE_OPERATIONS") == "true")
        {
            File.WriteAllText(s_catalogPath, generated);
            return;
        }

        var checkedIn = File.ReadAllText(s_catalogPath).ReplaceLineEndings("\n");
        Assert.True(generated == checkedIn, "operations.json is out of date: run the tests with UPDATE_OPERATIONS=true and commit the file");
    }

    [Fact]
    public void It_has_all_345_operations_one_per_line()
    {
        Assert.Equal(345, Catalog.Operations.Count);
        Assert.Equal("2026-07-15", Catalog.Revision);
        Assert.Equal(
            new Dictionary<string, int> { ["GET"] = 204, ["POST"] = 80, ["PATCH"] = 31, ["DELETE"] = 30 },
            Catalog.Operations.GroupBy(o => o.Method).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(Catalog.Operations.Select(o => o.Id).Order(StringComparer.Ordinal), Catalog.Operations.Select(o => o.Id));

        var lines = File.ReadAllLines(s_catalogPath);
        Assert.Equal(345, lines.Count(l => l.StartsWith("{\"id\":", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_12_client_operations_are_kept_but_marked_client_side()
    {
        var client = Catalog.Operations.Where(o => o.ClientSide).ToList();

        Assert.Equal(12, client.Count);
        Assert.All(client, o => Assert.StartsWith("/client/", o.Path));
        Assert.All(client, o => Assert.Equal("Client", o.Tag));
        Assert.DoesNotContain(Catalog.Operations, o => !o.ClientSide && o.Path.StartsWith("/client/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_rate_limit_is_the_specs_x_klaviyo_ratelimit()
    {
        foreach (var operation in Catalog.Operations)
        {
            var limit = s_spec.Value["paths"]![operation.Path]![operation.Method.ToLowerInvariant()]!["x-klaviyo-ratelimit"]!;
            Assert.Equal((string?)limit["burst"], $"{operation.RateLimit.Burst}/s");
            Assert.Equal((string?)limit["steady"], $"{operation.RateLimit.Steady}/m");
            Assert.Equal((string?)limit["daily"], operation.RateLimit.Daily is { } daily ? $"{daily}/d" : null);
        }

        Assert.Equal(new ApiRateLimit(1, 2, 225), Catalog.Find("query_campaign_values")!.RateLimit);
        Assert.Equal(16, Catalog.Operations.Count(o => o.RateLimit.Daily is not null));
    }

    [Fact]
    public void Limits_stated_only_in_descriptions_are_kept_with_the_parameter_value_that_triggers_them()
    {
        Assert.Equal([new ApiConditionalRateLimit("additional-fields[profile]", "predictive_analytics", new(10, 150))], Catalog.Find("get_profiles")!.ConditionalRateLimits);
        Assert.Equal(
            [new ApiConditionalRateLimit("include", "lists", new(1, 15)), new ApiConditionalRateLimit("include", "segments", new(1, 15))],
            Catalog.Find("get_profile")!.ConditionalRateLimits);
        Assert.Equal([new ApiConditionalRateLimit("additional-fields[list]", "profile_count", new(1, 15))], Catalog.Find("get_list")!.ConditionalRateLimits);
        Assert.Equal([new ApiConditionalRateLimit("additional-fields[segment]", "profile_count", new(1, 15))], Catalog.Find("get_segment")!.ConditionalRateLimits);

        // get_profile_ids_for_list's description names a parameter the operation does not take: it can never apply.
        Assert.Empty(Catalog.Find("get_profile_ids_for_list")!.ConditionalRateLimits);
        Assert.Equal(6, Catalog.Operations.Sum(o => o.ConditionalRateLimits.Count));
    }

    [Fact]
    public void Operations_are_found_by_id_exactly_then_ignoring_case_then_by_alias()
    {
        Assert.Equal("get_profiles", Catalog.Find("get_profiles")!.Id);
        Assert.Equal("get_profiles", Catalog.Find(" Get_Profiles ")!.Id);
        Assert.Equal("bulk_subscribe_profiles", Catalog.Find("subscribe_profiles")!.Id);
        Assert.Equal("bulk_subscribe_profiles", Catalog.Find("SUBSCRIBE_PROFILES")!.Id);
        Assert.Null(Catalog.Find("get_everything"));
    }

    [Theory]
    [InlineData("GET", "/api/profiles", "get_profiles")]
    [InlineData("get", "api/profiles/01ABC?include=lists", "get_profile")]
    [InlineData("POST", "/api/lists/L1/relationships/profiles", "add_profiles_to_list")]
    [InlineData("DELETE", "/api/lists/L1/relationships/profiles/", "remove_profiles_from_list")]
    [InlineData("GET", "/api/lists/L1/profiles", "get_profiles_for_list")]
    [InlineData("GET", "/api/lists/L1/relationships/profiles", "get_profile_ids_for_list")]
    [InlineData("PATCH", "/api/campaign-send-jobs/J1", "cancel_campaign_send")]
    [InlineData("POST", "/client/events", "create_client_event")]
    public void A_request_maps_to_its_operation_with_literal_segments_winning(string method, string path, string id) =>
        Assert.Equal(id, Catalog.Match(method, path)?.Id);

    [Theory]
    [InlineData("GET", "/api/nothing")]
    [InlineData("PUT", "/api/profiles/1")]
    [InlineData("GET", "/api/profiles/1/extra/segments")]
    [InlineData("GET", "/api/profiles//lists")]
    public void A_request_to_no_operation_maps_to_none(string method, string path) => Assert.Null(Catalog.Match(method, path));

    [Fact]
    public void Tags_are_the_operations_first_tags()
    {
        Assert.Equal(23, Catalog.Tags.Count);
        Assert.Contains("Reporting", Catalog.Tags);
        Assert.Equal(Catalog.Operations.Select(o => o.Tag).Distinct().Order(StringComparer.Ordinal), Catalog.Tags);
        Assert.Equal(26, Catalog.Operations.Count(o => o.Tag == "Campaigns"));
    }

    [Fact]
    public void Query_parameters_have_their_kind_bounds_and_values()
    {
        var profiles = Catalog.Find("get_profiles")!;
        var size = profiles.QueryParameter("page[size]")!;
        Assert.Equal((QueryParameterKind.PageSize, 1, 100, 20), (size.Kind, size.Minimum, size.Maximum, size.Default));
        Assert.Equal(QueryParameterKind.Fields, profiles.QueryParameter("fields[profile]")!.Kind);
        Assert.True(profiles.QueryParameter("fields[profile]")!.List);
        Assert.Equal(["subscriptions", "predictive_analytics"], profiles.QueryParameter("additional-fields[profile]")!.Values);
        Assert.Equal(["conversations", "push-tokens"], profiles.QueryParameter("include")!.Values);
        Assert.Contains("-created", profiles.QueryParameter("sort")!.Values!);
        Assert.Equal("page[cursor]", profiles.CursorParameter);

        Assert.True(Catalog.Find("get_campaigns")!.QueryParameter("filter")!.Required);
        Assert.Equal("page_cursor", Catalog.Find("query_campaign_values")!.CursorParameter);
        Assert.Null(Catalog.Find("get_account")!.CursorParameter);
        Assert.Equal(QueryParameterKind.Other, Catalog.Find("get_client_review_values_reports")!.QueryParameter("timeframe")!.Kind);
        Assert.Equal(10, Catalog.Find("get_lists")!.QueryParameter("page[size]")!.Maximum);
    }

    [Fact]
    public void Filter_fields_come_from_x_klaviyo_filters()
    {
        var profiles = Catalog.Find("get_profiles")!.FilterFields;
        var email = profiles.Single(f => f.Field == "email");
        Assert.Equal(["equals"], email.Operators);
        Assert.Equal(["any", "equals"], email.ListOperators);
        Assert.Equal(FilterValueType.String, email.Type);
        Assert.Equal(FilterValueType.DateTime, profiles.Single(f => f.Field == "created").Type);

        var profile = Catalog.Find("get_events")!.FilterFields.Single(f => f.Field == "profile");
        Assert.Equal(["has"], profile.NoValueOperators);
        Assert.Equal(FilterValueType.None, profile.Type);

        Assert.Equal(56, Catalog.Operations.Count(o => o.FilterFields.Count > 0));
        Assert.Contains(Catalog.Operations.SelectMany(o => o.FilterFields), f => f.Type == FilterValueType.Boolean);
        Assert.Contains(Catalog.Operations.SelectMany(o => o.FilterFields), f => f.Values is { Count: > 0 });
    }

    [Fact]
    public void Bodies_and_responses_have_their_kinds()
    {
        Assert.Equal(RequestContentType.Multipart, Catalog.Find("upload_image_from_file")!.Body!.ContentType);
        Assert.Equal(119, Catalog.Operations.Count(o => o.Body?.ContentType == RequestContentType.JsonApi));
        Assert.All(Catalog.Operations.Where(o => o.Method is "POST" or "PATCH"), o => Assert.NotNull(o.Body));
        Assert.Equal(21, Catalog.Operations.Count(o => o.Method == "DELETE" && o.Body is null));
        Assert.Equal("ListMembersDeleteQuery", Catalog.Find("remove_profiles_from_list")!.Body!.SchemaName);

        Assert.Equal(OperationResponseKind.Collection, Catalog.Find("get_profiles")!.Response);
        Assert.Equal(OperationResponseKind.Resource, Catalog.Find("get_profile")!.Response);
        Assert.Equal(OperationResponseKind.Resource, Catalog.Find("create_or_update_profile")!.Response);
        Assert.Equal(OperationResponseKind.Resource, Catalog.Find("query_metric_aggregates")!.Response);
        Assert.Equal(OperationResponseKind.Job, Catalog.Find("send_campaign")!.Response);
        Assert.Equal(OperationResponseKind.NoContent, Catalog.Find("create_event")!.Response);
        Assert.Equal(OperationResponseKind.NoContent, Catalog.Find("delete_list")!.Response);
        Assert.Equal(15, Catalog.Operations.Count(o => o.Response == OperationResponseKind.Job));
    }

    [Fact]
    public void Scopes_path_parameters_and_summaries_are_the_specs()
    {
        var subscribe = Catalog.Find("bulk_subscribe_profiles")!;
        Assert.Equal(["lists:write", "profiles:write", "subscriptions:write"], subscribe.Scopes);
        Assert.Equal("Bulk Subscribe Profiles", subscribe.Summary);
        Assert.Equal(["id"], Catalog.Find("get_profile")!.PathParameters);
        Assert.Contains(Catalog.Operations, o => o.PathParameters.SequenceEqual(["job_id"]));
        Assert.All(Catalog.Operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Summary)));
    }
}
