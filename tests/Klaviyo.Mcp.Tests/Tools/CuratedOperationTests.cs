using System.Reflection;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Tools;

namespace Klaviyo.Mcp.Tests;

/// <summary>The curated tools take their Klaviyo metadata (scopes, rate-limit bucket) from the operation catalogue.</summary>
public sealed class CuratedOperationTests
{
    public static TheoryData<string, string> Declared =>
        [.. typeof(KlaviyoMcpServer).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => f.FieldType == typeof(ToolCallDescriptor))
            .Select(f => (ToolCallDescriptor)f.GetValue(null)!)
            .Select(o => (o.ToolName, o.OperationId))
            .Distinct()];

    [Theory]
    [MemberData(nameof(Declared))]
    public void Every_curated_operation_is_an_operation_of_the_catalogue_and_gets_its_scopes_from_it(string tool, string operationId)
    {
        var operation = OperationCatalog.Default.Find(operationId);

        Assert.True(operation is { ClientSide: false }, $"{tool} names {operationId}, which is not a server-side operation of the catalogue");
        Assert.Equal(string.Join(" and ", operation!.Scopes), new ToolCallDescriptor(tool, operationId, new ArgumentPointerMap()).RequiredScopes);
        Assert.NotEmpty(operation.Scopes);
        // get_account reads GET /api/accounts (the key's one account), not get_account by id.
        if (OperationCatalog.Default.Find(tool) is { } sameName && tool != "get_account")
        {
            Assert.Equal(sameName.Id, operation.Id);
        }
    }

    [Theory]
    [MemberData(nameof(Declared))]
    public void A_tools_error_description_names_the_operation_its_descriptor_names(string tool, string operationId)
    {
        var descriptor = typeof(KlaviyoMcpServer).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<ModelContextProtocol.Server.McpServerToolAttribute>()?.Name == tool)
            .Select(m => m.GetCustomAttribute<Klaviyo.Mcp.Manifest.ToolOperationAttribute>()?.OperationId)
            .SingleOrDefault();

        // Lookups made on a tool's behalf ("list_name lookup (get_lists)") are not tools of their own; every other name is a tool's.
        if (tool.Contains(' ', StringComparison.Ordinal))
        {
            Assert.Null(descriptor);
            return;
        }

        Assert.True(descriptor is not null, $"{tool} is not the name of a tool with [ToolOperation]");
        Assert.Equal(descriptor, operationId);
    }

    /// <summary>Every operation id the source names (in calls, lookups and descriptors) is one of the catalogue's server-side operations.</summary>
    [Fact]
    public void Every_operation_id_written_in_the_source_is_in_the_catalogue()
    {
        var patterns = new System.Text.RegularExpressions.Regex(
            """(?:ToolCallDescriptor\.Read\(\s*"[^"]*",\s*|ToolCallDescriptor\s*\w+\s*=\s*new\(\s*"[^"]*",\s*|new ToolCallDescriptor\(\s*"[^"]*",\s*|KlaviyoCalls\.(?:SendAsync|ReadAsync)\(\s*klaviyo,\s*|KlaviyoCalls\.Operation\(|OperationCatalog\.Default\.Find\(|\b(?:GetAsync|WriteAsync|Route)\(|\[ToolOperation\()"([a-z0-9_]+)"(?=[,)])""");
        var named = Directory.EnumerateFiles(Path.Combine(Klaviyo.Testing.RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => patterns.Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Id: m.Groups[1].Value)))
            .ToList();

        Assert.True(named.Count >= 100, $"only {named.Count} operation ids found in the source: the patterns no longer match how the code names operations");
        Assert.All(named, n => Assert.True(OperationCatalog.Default.Find(n.Id) is { ClientSide: false }, $"{n.File} names {n.Id}, which is not a server-side operation of the catalogue"));
    }

    [Fact]
    public void There_are_curated_operations_to_check() => Assert.True(Declared.Count >= 30, $"{Declared.Count} found");

    [Fact]
    public async Task A_403_on_a_tool_that_calls_through_the_catalogue_names_the_operations_scopes()
    {
        using var stub = new Klaviyo.Testing.KlaviyoStub().Answer("POST", "/api/templates", 403, Klaviyo.Testing.KlaviyoStub.ErrorBody(403, "permission_denied", "Missing scope."));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_template", """{"name":"Fall","html":"<html><body>Hi</body></html>"}""");

        Assert.True(result.IsError);
        Assert.Contains("needs the scope templates:write", result.Text());
    }

    [Fact]
    public async Task A_403_on_the_template_name_lookup_names_the_scope_of_get_templates()
    {
        using var stub = new Klaviyo.Testing.KlaviyoStub()
            .Answer("GET", "/api/lists", 200, CampaignAuthoringToolsTests.Lists)
            .Answer("GET", "/api/segments", 200, CampaignAuthoringToolsTests.Segments)
            .Answer("GET", "/api/templates", 403, Klaviyo.Testing.KlaviyoStub.ErrorBody(403, "permission_denied", "Missing scope."));
        await using var mcp = await McpHarness.StartAsync(stub);

        var result = await mcp.CallAsync("create_campaign", """{"name":"Sale","audiences":["vip"],"subject":"Hi","from_email":"store@example.com","template_name":"Sale layout"}""");

        Assert.True(result.IsError);
        Assert.Contains("needs the scope templates:read", result.Text());
        Assert.DoesNotContain(stub.Requests, r => r.Method == "POST");
    }

    [Fact]
    public void The_rate_limit_an_error_names_includes_the_stricter_limits_of_query_options()
    {
        Assert.Equal("75/s, 750/min; 1/s, 15/min with additional-fields[list]=profile_count", ToolCallDescriptor.Read("get_list", "get_list").RateLimit);
        Assert.Equal("350/s, 3500/min", ToolCallDescriptor.Read("create_event", "create_event").RateLimit);
        Assert.Null(new ToolCallDescriptor("x", "", new ArgumentPointerMap()).RateLimit);
    }

    [Theory]
    [InlineData("templates:read")]
    [InlineData("/api/templates")]
    [InlineData("Get Templates")]
    public void A_scope_or_path_where_an_operation_id_belongs_is_refused(string notAnId) =>
        Assert.Throws<ArgumentException>(() => ToolCallDescriptor.Read("tool", notAnId));
}
