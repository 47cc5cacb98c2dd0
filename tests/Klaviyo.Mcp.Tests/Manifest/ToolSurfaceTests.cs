using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>The tools' public surface: names, annotations, descriptions and schemas that clients and agents depend on.</summary>
public sealed class ToolSurfaceTests
{
    [Theory]
    [InlineData("get_profiles", true, false)]
    [InlineData("get_profile", true, false)]
    [InlineData("get_lists", true, false)]
    [InlineData("get_list", true, false)]
    [InlineData("get_profiles_for_list", true, false)]
    [InlineData("delete_list", false, true)]
    [InlineData("update_flow_status", false, true)]
    [InlineData("get_events", true, false)]
    [InlineData("query_campaign_values", true, false)]
    [InlineData("query_metric_aggregates", true, false)]
    [InlineData("get_account", true, false)]
    [InlineData("unsubscribe_profiles", false, true)]
    [InlineData("suppress_profiles", false, true)]
    [InlineData("remove_profiles_from_list", false, true)]
    [InlineData("create_list", false, false)]
    [InlineData("create_profile", false, false)]
    [InlineData("subscribe_profiles", false, false)]
    [InlineData("add_profiles_to_list", false, false)]
    [InlineData("find_operations", true, false)]
    [InlineData("describe_operation", true, false)]
    [InlineData("call_operation", false, true)]
    public async Task Reads_are_read_only_and_destructive_tools_say_so(string name, bool readOnly, bool destructive)
    {
        var tool = (await ListAsync()).Single(t => t.Name == name).ProtocolTool;

        Assert.Equal(readOnly, IsReadOnly(tool));
        Assert.Equal(destructive, IsDestructive(tool));
    }

    [Fact]
    public async Task Every_write_tool_says_whether_it_is_destructive_and_reads_say_no_more_than_read_only()
    {
        foreach (var tool in (await ListAsync()).Select(t => t.ProtocolTool))
        {
            if (IsReadOnly(tool))
            {
                // The spec gives destructiveHint and idempotentHint meaning only when readOnlyHint is false.
                Assert.True(tool.Annotations!.DestructiveHint is null && tool.Annotations.IdempotentHint is null, $"{tool.Name} is read-only and says more");
            }
            else
            {
                // Left out, destructiveHint defaults to true: every write tool states it.
                Assert.True(tool.Annotations?.DestructiveHint is not null, $"{tool.Name} does not say whether it is destructive");
            }

            // Only the tools that read the embedded operation catalogue, and never reach Klaviyo, are closed-world.
            Assert.Equal(tool.Name is "find_operations" or "describe_operation" ? false : null, tool.Annotations?.OpenWorldHint);
        }
    }

    [Fact]
    public async Task Unsubscribe_warns_about_global_unsubscription()
    {
        var tool = (await ListAsync()).Single(t => t.Name == "unsubscribe_profiles");

        Assert.Contains("NOT in that list are unsubscribed globally", tool.Description);
        Assert.Contains("without a list, every profile given is unsubscribed globally", tool.Description);
    }

    [Fact]
    public async Task Create_event_annotations_are_set_on_purpose()
    {
        var tool = (await ListAsync()).Single(t => t.Name == "create_event").ProtocolTool;

        Assert.Null(tool.Title);
        Assert.False(IsReadOnly(tool));
        Assert.False(tool.Annotations?.DestructiveHint);
        Assert.False(tool.Annotations?.IdempotentHint ?? false);
        Assert.True(tool.Annotations?.OpenWorldHint ?? true);
    }

    [Fact]
    public async Task Descriptions_leave_rate_limits_and_scopes_to_the_errors()
    {
        foreach (var tool in await ListAsync())
        {
            Assert.DoesNotContain("rate limit ", tool.Description, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"\d+/s\b|\d+/min\b|\b[a-z]+:(read|write)\b", tool.Description);
        }
    }

    [Fact]
    public async Task Results_carry_structured_content_though_no_tool_declares_an_output_schema()
    {
        Assert.All(await ListAsync(), t => Assert.Null(t.ProtocolTool.OutputSchema));

        using var stub = new KlaviyoStub().Answer("GET", "/api/lists", 200, """{"data":[{"type":"list","id":"L1","attributes":{"name":"VIP"}}],"links":{}}""");
        await using var mcp = await McpHarness.StartAsync(stub);
        var result = (await mcp.CallAsync("get_lists", "{}")).AssertSuccess();

        Assert.Equal("VIP", result.StructuredContent!.Value.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result.Text()), JsonNode.Parse(result.StructuredContent.Value.GetRawText())));
    }

    [Fact]
    public async Task Every_tool_and_every_parameter_has_a_description()
    {
        foreach (var tool in await ListAsync())
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), $"{tool.Name} has no description");
            // No display titles in tools/list: clients show the name, and the titles did not fit the context budget.
            Assert.True(tool.ProtocolTool.Title is null && tool.ProtocolTool.Annotations?.Title is null, $"{tool.Name} lists a title");
            AssertDescribed(tool.Name, JsonNode.Parse(tool.ProtocolTool.InputSchema.GetRawText())!);
        }
    }

    [Fact]
    public async Task Input_and_output_schemas_use_snake_case()
    {
        foreach (var tool in await ListAsync())
        {
            AssertSnakeCase(tool.Name, JsonNode.Parse(tool.ProtocolTool.InputSchema.GetRawText())!);
            if (tool.ProtocolTool.OutputSchema is { } output)
            {
                AssertSnakeCase(tool.Name, JsonNode.Parse(output.GetRawText())!);
            }
        }
    }

    [Fact]
    public async Task Optional_arguments_are_plain_and_only_update_profile_says_null_means_something()
    {
        foreach (var tool in await ListAsync())
        {
            var schema = JsonNode.Parse(tool.ProtocolTool.InputSchema.GetRawText())!;
            foreach (var (path, property) in Properties(schema))
            {
                Assert.False(property.AsObject().ContainsKey("default"), $"{tool.Name}: {path} has a default keyword");
                var nullable = property["type"] is JsonArray types && types.Any(t => (string?)t == "null");
                var clearable = tool.Name == "update_profile" && !path.Contains('.', StringComparison.Ordinal) && ((string?)property["description"])!.EndsWith("null clears it.", StringComparison.Ordinal);
                Assert.True(nullable == clearable, $"{tool.Name}: {path} is {(nullable ? "" : "not ")}nullable: {property.ToJsonString()}");
            }
        }
    }

    [Fact]
    public async Task Optional_arguments_left_out_or_given_as_null_bind_alike()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/api/events", 202)
            .Answer("GET", "/api/events", 200, """{"data":[],"links":{}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        (await mcp.CallAsync("create_event", """{"metric":{"name":"Placed Order"},"profile":{"email":"a@klaviyo-demo.com"},"unique_id":"u1","time":"2026-07-20T14:03:00Z"}""")).AssertSuccess();
        (await mcp.CallAsync("create_event", """
            {"metric":{"name":"Placed Order","service":null},"profile":{"email":"a@klaviyo-demo.com","first_name":null,"location":null,"properties":null},
             "properties":null,"time":"2026-07-20T14:03:00Z","value":null,"value_currency":null,"unique_id":"u1"}
            """)).AssertSuccess();
        (await mcp.CallAsync("get_events", "{}")).AssertSuccess();
        (await mcp.CallAsync("get_events", """{"metric_id":null,"metric_name":null,"profile_id":null,"since":null,"until":null,"sort":null,"page_size":null,"cursor":null}""")).AssertSuccess();

        Assert.Equal(4, stub.Requests.Count);
        Assert.Equal(stub.Requests[0].Body, stub.Requests[1].Body);
        Assert.Equal(stub.Requests[2].Query, stub.Requests[3].Query);
    }

    private static IEnumerable<(string Path, JsonNode Property)> Properties(JsonNode schema, string path = "")
    {
        foreach (var (name, property) in schema["properties"] as JsonObject ?? [])
        {
            var at = path.Length == 0 ? name : path + "." + name;
            yield return (at, property!);
            foreach (var nested in Properties(property!, at))
            {
                yield return nested;
            }

            if (property!["items"] is JsonObject items)
            {
                foreach (var nested in Properties(items, at + "[]"))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>readOnlyHint as the MCP spec reads it: false when left out.</summary>
    private static bool IsReadOnly(Tool tool) => tool.Annotations?.ReadOnlyHint ?? false;

    /// <summary>destructiveHint as the MCP spec reads it: true when left out, and meaningful only for a tool that is not read-only.</summary>
    private static bool IsDestructive(Tool tool) => !IsReadOnly(tool) && (tool.Annotations?.DestructiveHint ?? true);

    private static void AssertSnakeCase(string tool, JsonNode schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (name, property) in properties)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", name);
            AssertSnakeCase(tool, property!);
        }
    }

    private static void AssertDescribed(string tool, JsonNode schema, string path = "")
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (name, property) in properties)
        {
            var at = path.Length == 0 ? name : path + "." + name;
            Assert.False(string.IsNullOrWhiteSpace((string?)property?["description"]), $"{tool}: parameter {at} has no description");
            AssertDescribed(tool, property!, at);
        }
    }

    private static async Task<IList<McpClientTool>> ListAsync()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);
        return await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
    }
}
