using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.Operations;
using Klaviyo.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Mcp.Tests;

/// <summary>find_operations, describe_operation and call_operation: the whole API, every request checked against the spec first.</summary>
public sealed class ApiToolsTests
{
    private static readonly OperationCatalog s_catalog = OperationCatalog.Default;

    public static TheoryData<string> ServerSideOperations => [.. s_catalog.Operations.Where(o => !o.ClientSide).Select(o => o.Id)];

    public static TheoryData<string> WriteOperationsWithBodies =>
        [.. s_catalog.Operations.Where(o => !o.ClientSide && o.Body is { ContentType: RequestContentType.JsonApi }).Select(o => o.Id)];

    /// <summary>The theories below run once per operation: their data must be every server-side operation of the spec, no fewer.</summary>
    [Fact]
    public void The_call_theory_runs_every_server_side_operation_of_the_spec()
    {
        var spec = JsonNode.Parse(File.ReadAllText(RepositoryPaths.OpenApiSpec))!["paths"]!.AsObject();
        var specIds = spec
            .Where(path => !path.Key.StartsWith("/client/", StringComparison.Ordinal))
            .SelectMany(path => path.Value!.AsObject().Select(method => (string)method.Value!["operationId"]!))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(333, specIds.Count);
        Assert.Equal(specIds, ServerSideOperations.Select(row => row.Data).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ServerSideOperations))]
    public async Task A_call_built_from_describe_operation_sends_exactly_the_request_the_spec_describes(string id)
    {
        var operation = s_catalog.Find(id)!;
        using var stub = AnswerEverything();
        await using var mcp = await McpHarness.StartAsync(stub);

        var description = (await mcp.CallAsync("describe_operation", $$"""{"operation":"{{id}}"}""")).AssertSuccess().StructuredContent!.Value;
        var arguments = new JsonObject { ["operation"] = id };
        var pathParams = new JsonObject();
        foreach (var name in description.GetProperty("path_params").EnumerateArray())
        {
            pathParams[name.GetString()!] = "X1";
        }

        arguments["path_params"] = pathParams;
        var query = new JsonObject();
        foreach (var parameter in description.GetProperty("query_params").EnumerateArray().Where(p => p.GetProperty("required").GetBoolean()))
        {
            query[parameter.GetProperty("name").GetString()!] = RequiredValue(operation, parameter);
        }

        arguments["query"] = query;
        if (description.TryGetProperty("example_body", out var example))
        {
            arguments["body"] = JsonNode.Parse(example.GetRawText());
        }

        var result = await mcp.CallAsync("call_operation", arguments.ToJsonString());

        if (operation.Body?.ContentType == RequestContentType.Multipart)
        {
            Assert.True(result.IsError);
            Assert.Contains("multipart", result.Text());
            Assert.Empty(stub.Requests);
            return;
        }

        result.AssertSuccess();
        var request = Assert.Single(stub.Requests);
        Assert.Equal(operation.Method, request.Method);
        Assert.Equal("/" + operation.BuildPath(operation.PathParameters.ToDictionary(p => p, _ => (string?)"X1")), request.Path);
        Assert.Equal(OpenApiContractPath(operation), OpenApiContractPathOf(request.Method, request.Path, operation));
        foreach (var (name, _) in query)
        {
            Assert.Contains(Uri.EscapeDataString(name).Replace("%5B", "[").Replace("%5D", "]") + "=", Uri.UnescapeDataString(request.Query).Replace("%5B", "[").Replace("%5D", "]") + "&" + request.Query);
        }

        Assert.Equal(operation.Body is not null, !string.IsNullOrEmpty(request.Body));
        if (operation.Body is not null)
        {
            Assert.Equal(JsonNode.Parse(example.GetRawText())!.ToJsonString(), JsonNode.Parse(request.Body!)!.ToJsonString());
            Assert.Equal("application/vnd.api+json", request.Header("Content-Type").Split(';')[0]);
        }

        Assert.Equal("2026-07-15", request.Header("revision"));
    }

    [Theory]
    [MemberData(nameof(WriteOperationsWithBodies))]
    public async Task A_body_that_breaks_the_schema_is_refused_with_its_path_and_nothing_is_sent(string id)
    {
        var operation = s_catalog.Find(id)!;
        using var stub = AnswerEverything();
        await using var mcp = await McpHarness.StartAsync(stub);
        var body = JsonNode.Parse(operation.ExampleBody()!.Value.GetRawText())!.AsObject();
        var expected = "body.not_a_member";
        switch (body["data"])
        {
            case JsonObject data:
                data["not_a_member"] = 1;
                expected = "body.data.not_a_member";
                break;
            case JsonArray { Count: > 0 } items when items[0] is JsonObject first:
                first["not_a_member"] = 1;
                expected = "body.data[0].not_a_member";
                break;
            default:
                body["not_a_member"] = 1;
                break;
        }

        var arguments = new JsonObject
        {
            ["operation"] = id,
            ["path_params"] = new JsonObject(operation.PathParameters.Select(p => KeyValuePair.Create(p, (JsonNode?)"X1"))),
            ["query"] = new JsonObject(operation.QueryParameters.Where(p => p.Required).Select(p => KeyValuePair.Create(p.Name, (JsonNode?)JsonValue.Create(FilterFor(operation))))),
            ["body"] = body,
        };

        var result = await mcp.CallAsync("call_operation", arguments.ToJsonString());

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text());
        Assert.Contains("nothing was sent", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Theory]
    [InlineData("make single-use coupon codes", "bulk_create_coupon_codes")]
    [InlineData("tag a flow", "tag_flows")]
    [InlineData("form submissions report", "query_form_values")]
    [InlineData("list catalog items", "get_catalog_items")]
    [InlineData("create a webhook", "create_webhook")]
    [InlineData("send a campaign", "send_campaign")]
    public async Task Find_operations_lands_the_obvious_queries(string query, string expected)
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var items = (await mcp.CallAsync("find_operations", $$"""{"query":"{{query}}","limit":3}""")).AssertSuccess().StructuredContent!.Value.GetProperty("items");

        Assert.Contains(expected, items.EnumerateArray().Select(i => i.GetProperty("operation").GetString()));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Describe_operation_shows_parameters_filters_limits_and_a_compact_body()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var profiles = (await mcp.CallAsync("describe_operation", """{"operation":"get_profiles"}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Equal("GET", profiles.GetProperty("method").GetString());
        Assert.Equal("read", profiles.GetProperty("access").GetString());
        Assert.Equal(75, profiles.GetProperty("rate_limit").GetProperty("burst").GetInt32());
        Assert.Contains(profiles.GetProperty("filter").EnumerateArray(), f => f.GetProperty("field").GetString() == "email");
        var size = profiles.GetProperty("query_params").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "page[size]");
        Assert.Equal(100, size.GetProperty("max").GetInt32());

        var campaign = await mcp.CallAsync("describe_operation", """{"operation":"create_campaign"}""");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(campaign.StructuredContent!.Value.GetProperty("body").GetRawText()) <= 8192);
        Assert.Equal("destructive", (await mcp.CallAsync("describe_operation", """{"operation":"send_campaign"}""")).StructuredContent!.Value.GetProperty("access").GetString());

        var unknown = await mcp.CallAsync("describe_operation", """{"operation":"get_coupn_codes"}""");
        Assert.True(unknown.IsError);
        Assert.Contains("find_operations", unknown.Text());
    }

    [Fact]
    public async Task Every_part_of_a_bad_request_is_named_at_once_and_nothing_is_sent()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("call_operation", """
            {"operation":"get_profiles","query":{"filter":"equals(email,a@b.com)","page[size]":500,"fields[profile]":"email,shoe_size","sort":"-nope","colour":"red"}}
            """);

        Assert.True(result.IsError);
        var text = result.Text();
        Assert.Contains("query.filter", text);
        Assert.Contains("query.page[size]", text);
        Assert.Contains("query.fields[profile]", text);
        Assert.Contains("query.sort", text);
        Assert.Contains("query.colour", text);
        Assert.Empty(stub.Requests);

        var missing = await mcp.CallAsync("call_operation", """{"operation":"get_list","path_params":{"id":"  "}}""");
        Assert.Contains("path_params.id", missing.Text());
        var datetime = await mcp.CallAsync("call_operation", """{"operation":"get_events","query":{"filter":"greater-than(datetime,\"2026-01-01T00:00:00Z\")"}}""");
        Assert.Contains("query.filter", datetime.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Klaviyos_errors_point_back_at_the_body_and_query()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/coupons", 400, ErrorBody(400, "invalid", "External id already exists.", pointer: "/data/attributes/external_id"))
            .Answer("GET", "/api/coupons", 400, ErrorBody(400, "invalid", "Bad page.", parameter: "page[cursor]"));
        await using var mcp = await McpHarness.StartAsync(stub);

        var created = await mcp.CallAsync("call_operation", """{"operation":"create_coupon","body":{"data":{"type":"coupon","attributes":{"external_id":"WINBACK"}}}}""");
        Assert.True(created.IsError);
        Assert.Contains("(argument: body.data.attributes.external_id)", created.Text());

        var listed = await mcp.CallAsync("call_operation", """{"operation":"get_coupons","cursor":"abc"}""");
        Assert.Contains("(argument: query.page[cursor])", listed.Text());
    }

    [Fact]
    public async Task A_cursor_walk_through_call_operation_returns_every_item_once()
    {
        using var stub = new KlaviyoStub()
            .AnswerInSequence("GET", "/api/coupons",
                r => Response(200, """{"data":[{"type":"coupon","id":"A","attributes":{"external_id":"A"}},{"type":"coupon","id":"B","attributes":{"external_id":"B"}}],"links":{"self":"x","next":"https://a.klaviyo.com/api/coupons?page%5Bcursor%5D=n2"}}"""),
                r => Response(200, """{"data":[{"type":"coupon","id":"C","attributes":{"external_id":"C"}}],"links":{"self":"x"}}"""));
        await using var mcp = await McpHarness.StartAsync(stub);

        var first = (await mcp.CallAsync("call_operation", """{"operation":"get_coupons"}""")).AssertSuccess().StructuredContent!.Value;
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = (await mcp.CallAsync("call_operation", $$"""{"operation":"get_coupons","cursor":"{{cursor}}"}""")).AssertSuccess().StructuredContent!.Value;

        Assert.Equal(["A", "B", "C"], first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetString()));
        Assert.False(second.TryGetProperty("next_cursor", out _));
        Assert.Equal("page[cursor]=n2", Uri.UnescapeDataString(stub.Requests[1].Query.TrimStart('?')));
    }

    [Fact]
    public async Task Accepted_answers_say_so_plainly()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/tags/T1/relationships/flows", 204)
            .Answer("POST", "/api/coupon-code-bulk-create-jobs", 202, """{"data":{"type":"coupon-code-bulk-create-job","id":"J1","attributes":{"status":"queued"}}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var tagged = (await mcp.CallAsync("call_operation", """{"operation":"tag_flows","path_params":{"id":"T1"},"body":{"data":[{"type":"flow","id":"F1"}]}}""")).AssertSuccess();
        Assert.Contains("Klaviyo accepted the request (204)", tagged.Text());

        var job = (await mcp.CallAsync("call_operation", $$"""{"operation":"bulk_create_coupon_codes","body":{{s_catalog.Find("bulk_create_coupon_codes")!.ExampleBody()!.Value.GetRawText()}}}""")).AssertSuccess();
        Assert.Equal("J1", job.StructuredContent!.Value.GetProperty("id").GetString());
        Assert.Contains("job id", job.StructuredContent!.Value.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Read_only_mode_lists_call_operation_as_read_only_and_refuses_writes_at_call_time()
    {
        using var stub = AnswerEverything();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ReadOnlyVariable] = "true" });

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.All(tools, t => Assert.True(t.ProtocolTool.Annotations?.ReadOnlyHint, $"{t.Name} is listed but not read-only"));
        var call = Assert.Single(tools, t => t.Name == "call_operation");
        Assert.False(call.ProtocolTool.Annotations?.DestructiveHint);

        var found = (await mcp.CallAsync("find_operations", """{"query":"create coupon","limit":3}""")).AssertSuccess().StructuredContent!.Value;
        Assert.Contains(found.GetProperty("items").EnumerateArray(), i => i.GetProperty("access").GetString()!.EndsWith("(refused here)", StringComparison.Ordinal));

        var write = await mcp.CallAsync("call_operation", """{"operation":"create_coupon","body":{"data":{"type":"coupon","attributes":{"external_id":"X"}}}}""");
        Assert.True(write.IsError);
        Assert.Contains("read-only mode", write.Text());
        (await mcp.CallAsync("call_operation", """{"operation":"get_coupons"}""")).AssertSuccess();
        Assert.Equal(["GET"], stub.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_multipart_upload_is_refused_and_points_to_the_upload_tools()
    {
        using var stub = AnswerEverything();
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("call_operation", """{"operation":"upload_image_from_file","body":{}}""");

        Assert.True(result.IsError);
        Assert.Contains("use the tool upload_image_from_file for a local file, or upload_image_from_url", result.Text());
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Toolsets_limit_the_areas_call_operation_reaches()
    {
        using var stub = AnswerEverything();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "coupons" });

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["call_operation", "create_coupon", "describe_operation", "find_operations", "generate_coupon_codes", "get_coupon_codes", "get_coupons"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));

        (await mcp.CallAsync("call_operation", """{"operation":"get_coupons"}""")).AssertSuccess();
        var other = await mcp.CallAsync("call_operation", """{"operation":"get_tags"}""");
        Assert.True(other.IsError);
        Assert.Contains("Tags area", other.Text());
        Assert.Single(stub.Requests);
    }

    /// <summary>
    /// What the whole API would cost as one tool per operation (the way Klaviyo's own server exposes it): each operation a
    /// tool with its summary as the description, its path and query parameters and its compact body schema as the input
    /// schema. Against that, the three tools here. docs/tools.md quotes both figures.
    /// </summary>
    [Fact]
    public async Task One_tool_per_operation_would_cost_many_times_the_three_tools()
    {
        var perOperation = 0L;
        foreach (var operation in s_catalog.Operations.Where(o => !o.ClientSide))
        {
            var properties = new JsonObject();
            foreach (var name in operation.PathParameters)
            {
                properties[name] = new JsonObject { ["type"] = "string" };
            }

            foreach (var parameter in operation.QueryParameters)
            {
                properties[parameter.Name] = parameter.Values is { Count: > 0 } values
                    ? new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode?)v)]) }
                    : new JsonObject { ["type"] = "string" };
            }

            if (operation.DisplaySchema is { } body)
            {
                properties["body"] = JsonNode.Parse(body.GetRawText());
            }

            var tool = new JsonObject
            {
                ["name"] = operation.Id,
                ["description"] = operation.Summary,
                ["inputSchema"] = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = new JsonArray([.. operation.PathParameters.Select(p => (JsonNode?)p)]) },
            };
            perOperation += System.Text.Encoding.UTF8.GetByteCount(tool.ToJsonString());
        }

        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);
        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var three = tools.Where(t => t.Name is "find_operations" or "describe_operation" or "call_operation")
            .Sum(t => System.Text.Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(t.ProtocolTool, ModelContextProtocol.McpJsonUtilities.DefaultOptions)));

        TestContext.Current.TestOutputHelper?.WriteLine($"one tool per operation: {perOperation:N0} bytes for 333 tools; the three api tools: {three:N0} bytes");
        Assert.True(perOperation > 50 * three, $"one tool per operation: {perOperation:N0} bytes; the three tools: {three:N0}");
    }

    [Fact]
    public void The_toolset_areas_are_the_spec_tags_less_the_client_area() =>
        Assert.Equal(s_catalog.Tags.Where(t => t != "Client").Order(StringComparer.Ordinal), Toolsets.Areas.Keys.Order(StringComparer.Ordinal));

    private static KlaviyoStub AnswerEverything()
    {
        var stub = new KlaviyoStub();
        stub.Server.Given(Request.Create().WithPath(new WildcardMatcher("/api/*")).UsingAnyMethod())
            .RespondWith(Response(200, """{"data":{"type":"thing","id":"1","attributes":{}}}"""));
        return stub;
    }

    private static JsonNode? RequiredValue(ApiOperation operation, JsonElement parameter) =>
        parameter.GetProperty("type").GetString() == "filter" ? (JsonNode)FilterFor(operation) : "x";

    /// <summary>A valid filter for an operation whose filter is required (campaigns need a channel; others take their first field).</summary>
    private static string FilterFor(ApiOperation operation)
    {
        var channel = operation.FilterFields.FirstOrDefault(f => f.Field == "messages.channel");
        var field = channel ?? operation.FilterFields[0];
        var op = field.Operators.Count > 0 ? field.Operators[0] : field.ListOperators[0];
        var literal = field.Values is { Count: > 0 } values ? $"\"{values[0]}\""
            : field.Type switch
            {
                FilterValueType.DateTime => "2026-01-01T00:00:00Z",
                FilterValueType.Boolean => "true",
                FilterValueType.Integer or FilterValueType.Number => "1",
                _ => "\"x\"",
            };
        if (field.Operators.Count == 0)
        {
            literal = "[" + literal + "]";
        }

        return $"{op}({field.Field},{literal})";
    }

    private static string OpenApiContractPath(ApiOperation operation) => operation.Method + " " + operation.Path;

    private static string OpenApiContractPathOf(string method, string path, ApiOperation expected) =>
        s_catalog.Match(method, path) is { } matched ? matched.Method + " " + matched.Path : "no operation for " + method + " " + path + " (expected " + expected + ")";
}
