using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Apps;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// MCP Apps (<c>io.modelcontextprotocol/ui</c>): only a client that declared the extension sees the views (the report
/// tools' <c>_meta.ui</c>, resources/list); every other client sees tools/list and results exactly as without it.
/// </summary>
public sealed class McpAppsTests
{
    private const string Metrics = """
        {"data":[{"type":"metric","id":"M1","attributes":{"name":"Placed Order","integration":{"name":"Shopify"}}}],"links":{"self":"x","next":null}}
        """;

    private const string Account = """{"data":[{"type":"account","id":"A1","attributes":{"preferred_currency":"EUR","timezone":"Europe/Berlin"}}],"links":{"self":"x"}}""";

    private const int MaxGrowthBytes = 1_500;

    private static readonly string[] s_reportTools = ["query_campaign_values", "query_flow_values", "query_metric_aggregates"];

    private static ClientCapabilities WithApps() => new()
    {
        Extensions = new Dictionary<string, object>
        {
            [McpAppsExtension.Id] = new JsonObject { ["mimeTypes"] = new JsonArray(McpAppsExtension.MimeType) },
        },
    };

    [Fact]
    public async Task Without_the_extension_no_tool_carries_UI_metadata_and_no_view_is_listed()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);

        var tools = await ToolsJsonAsync(mcp.Client);
        var resources = await mcp.Client.ListResourcesAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.DoesNotContain("\"ui\"", tools.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ui://", tools.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(resources);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task With_the_extension_the_three_report_tools_point_to_their_views_and_nothing_else_changes()
    {
        using var stub = new KlaviyoStub();
        await using var plain = await McpHarness.StartAsync(stub);
        await using var apps = await McpHarness.StartAsync(stub, capabilities: WithApps());

        var before = await ToolsJsonAsync(plain.Client);
        var after = await ToolsJsonAsync(apps.Client);

        Assert.True(apps.Client.ServerCapabilities.Extensions?.ContainsKey(McpAppsExtension.Id));
        foreach (var tool in after)
        {
            var name = (string)tool!["name"]!;
            var ui = tool["_meta"]?["ui"];
            if (s_reportTools.Contains(name))
            {
                Assert.Equal(AppViews.ForTool(name)!.Uri, (string?)ui!["resourceUri"]);
                Assert.StartsWith("ui://", (string?)ui["resourceUri"], StringComparison.Ordinal);
                Assert.Equal("""["model","app"]""", ui["visibility"]!.ToJsonString());
                ((JsonObject)tool["_meta"]!).Remove("ui");
                if (((JsonObject)tool["_meta"]!).Count == 0)
                {
                    ((JsonObject)tool).Remove("_meta");
                }
            }
            else
            {
                Assert.Null(ui);
            }
        }

        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task The_tools_list_grows_by_at_most_1500_bytes_with_the_extension()
    {
        using var stub = new KlaviyoStub();
        await using var plain = await McpHarness.StartAsync(stub);
        await using var apps = await McpHarness.StartAsync(stub, capabilities: WithApps());

        var before = Encoding.UTF8.GetByteCount((await ToolsJsonAsync(plain.Client)).ToJsonString());
        var after = Encoding.UTF8.GetByteCount((await ToolsJsonAsync(apps.Client)).ToJsonString());

        Assert.InRange(after - before, 1, MaxGrowthBytes);
        Assert.True(before <= ContextBudgetTests.MaxToolsListBytes, $"{before} bytes");
    }

    [Fact]
    public async Task Views_are_listed_and_read_with_the_apps_mime_type_and_a_CSP_without_domains_and_no_Klaviyo_request()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, capabilities: WithApps());

        var listed = await mcp.Client.ListResourcesAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(AppViews.All.Select(v => v.Uri).Order(), listed.Select(r => r.Uri).Order());
        foreach (var resource in listed)
        {
            Assert.Equal(McpAppsExtension.MimeType, resource.ProtocolResource.MimeType);
            AssertCspWithoutDomains(resource.ProtocolResource.Meta);
            var read = await mcp.Client.ReadResourceAsync(resource.Uri, cancellationToken: TestContext.Current.CancellationToken);
            var contents = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
            Assert.Equal(resource.Uri, contents.Uri);
            Assert.Equal(McpAppsExtension.MimeType, contents.MimeType);
            AssertCspWithoutDomains(contents.Meta);
            Assert.StartsWith("<!DOCTYPE html>", contents.Text, StringComparison.Ordinal);
            Assert.Contains("ui/initialize", contents.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("data-inline", contents.Text, StringComparison.Ordinal);
        }

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Only_the_views_of_the_tools_offered_are_listed()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "metrics" }, capabilities: WithApps());

        var listed = await mcp.Client.ListResourcesAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(AppViews.ForTool("query_metric_aggregates")!.Uri, Assert.Single(listed).Uri);
    }

    [Fact]
    public async Task Reading_an_unknown_resource_is_a_resource_not_found_error_naming_the_views()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, capabilities: WithApps());

        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            mcp.Client.ReadResourceAsync("ui://klaviyo/nothing.html", cancellationToken: TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
        Assert.Contains(AppViews.All[0].Uri, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_results_are_the_same_with_and_without_the_extension_but_for_the_currency_a_view_gets_in_meta()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/accounts", 200, Account)
            .Answer("GET", "/api/metrics", 200, Metrics)
            .Answer("POST", "/api/campaign-values-reports", 200, """
                {"data":{"type":"campaign-values-report","id":"r","attributes":{"results":[
                  {"groupings":{"campaign_id":"C1","send_channel":"email"},"statistics":{"opens":120,"open_rate":0.4,"conversion_value":99.5}}]}},"links":{"self":"x"}}
                """)
            .Answer("GET", "/api/campaigns", 200, """{"data":[{"type":"campaign","id":"C1","attributes":{"name":"<img src=x onerror=alert(1)>"}}],"links":{"self":"x"}}""")
            .Answer("POST", "/api/metric-aggregates", 200, """
                {"data":{"type":"metric-aggregate","id":"x","attributes":{"dates":["2026-07-01T00:00:00+00:00"],"data":[{"dimensions":[],"measurements":{"count":[3]}}]}},"links":{"self":"x"}}
                """);
        await using var plain = await McpHarness.StartAsync(stub);
        await using var apps = await McpHarness.StartAsync(stub, capabilities: WithApps());
        (string Tool, string Arguments)[] calls =
        [
            ("query_campaign_values", """{"statistics":["opens","open_rate","conversion_value"],"timeframe":"last_30_days"}"""),
            ("query_metric_aggregates", """{"metric_id":"M1","start":"2026-07-01","end":"2026-07-02"}"""),
        ];

        foreach (var (tool, arguments) in calls)
        {
            var without = (await plain.CallAsync(tool, arguments)).AssertSuccess();
            var with = (await apps.CallAsync(tool, arguments)).AssertSuccess();

            Assert.Null(without.Meta?[AccountCurrency.MetaKey]);
            Assert.Equal("EUR", (string?)with.Meta?[AccountCurrency.MetaKey]);
            with.Meta!.Remove(AccountCurrency.MetaKey);
            Assert.Equal(Serialize(without), Serialize(with));
        }

        Assert.Single(stub.Requests, r => r.Path == "/api/accounts");
    }

    [Fact]
    public async Task A_report_refused_for_its_arguments_sends_nothing_to_Klaviyo_even_for_the_currency()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 200, Account);
        await using var apps = await McpHarness.StartAsync(stub, capabilities: WithApps());

        var result = await apps.CallAsync("query_campaign_values", """{"statistics":["opens"]}""");

        Assert.True(result.IsError);
        Assert.Null(result.Meta?[AccountCurrency.MetaKey]);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Without_accounts_read_the_report_comes_back_without_a_currency()
    {
        using var stub = new KlaviyoStub()
            .Answer("GET", "/api/accounts", 403, """{"errors":[{"id":"e","status":403,"code":"permission_denied","title":"Forbidden","detail":"missing accounts:read","source":{}}]}""")
            .Answer("POST", "/api/metric-aggregates", 200, """
                {"data":{"type":"metric-aggregate","id":"x","attributes":{"dates":["2026-07-01T00:00:00+00:00"],"data":[{"dimensions":[],"measurements":{"count":[3]}}]}},"links":{"self":"x"}}
                """);
        await using var apps = await McpHarness.StartAsync(stub, capabilities: WithApps());

        var result = (await apps.CallAsync("query_metric_aggregates", """{"metric_id":"M1","start":"2026-07-01","end":"2026-07-02"}""")).AssertSuccess();

        Assert.Null(result.Meta?[AccountCurrency.MetaKey]);
        Assert.Single(stub.Requests, r => r.Path == "/api/accounts");
        Assert.Equal(3, result.StructuredContent!.Value.GetProperty("items")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Over_stateless_HTTP_a_2026_client_negotiates_the_extension_with_each_request()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?> { [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true" });
        await using var plain = await ConnectAsync(server, "2026-07-28", null);
        await using var apps = await ConnectAsync(server, "2026-07-28", WithApps());

        var without = await ToolsJsonAsync(plain);
        var with = await ToolsJsonAsync(apps);

        Assert.DoesNotContain("ui://", without.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(s_reportTools.Order(), with.Where(t => t!["_meta"]?["ui"] is not null).Select(t => (string)t!["name"]!).Order());
        Assert.Empty(await plain.ListResourcesAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(AppViews.All.Count, (await apps.ListResourcesAsync(cancellationToken: TestContext.Current.CancellationToken)).Count);
        var read = await plain.ReadResourceAsync(AppViews.All[0].Uri, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(McpAppsExtension.MimeType, Assert.Single(read.Contents).MimeType);
    }

    /// <summary>
    /// A 2025 client over stateless HTTP declares its capabilities in initialize only, and no later request carries them:
    /// the server cannot tell it declared the extension, so it sees the server as a client without it does.
    /// </summary>
    [Fact]
    [Trait("Category", "Http")]
    public async Task Over_stateless_HTTP_a_2025_client_sees_no_UI_metadata_since_its_capabilities_do_not_reach_later_requests()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?> { [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true" });
        await using var plain = await ConnectAsync(server, "2025-06-18", null);
        await using var apps = await ConnectAsync(server, "2025-06-18", WithApps());

        Assert.Equal((await ToolsJsonAsync(plain)).ToJsonString(), (await ToolsJsonAsync(apps)).ToJsonString());
        Assert.DoesNotContain("ui://", (await ToolsJsonAsync(apps)).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_view_is_self_contained_HTML_within_300_KB_and_inserts_text_never_HTML()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", "Klaviyo.Mcp", "Apps");
        var sources = Directory.GetFiles(folder).Where(f => f.EndsWith(".html", StringComparison.Ordinal) || f.EndsWith(".css", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal)).ToList();
        string[] forbidden = ["<script src", "<link", "url(http", "url(//", "@import", "fetch(", "XMLHttpRequest", "WebSocket", "EventSource", "sendBeacon", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"];

        Assert.Equal(["report-view.css", "report-view.html", "report-view.js"], sources.Select(Path.GetFileName).Order());
        var documents = AppViews.All.Select(v => (Name: v.Uri, Text: AppViews.Html(v)))
            .Concat(sources.Select(f => (Name: f, Text: File.ReadAllText(f))));
        foreach (var (name, text) in documents)
        {
            foreach (var pattern in forbidden)
            {
                Assert.False(text.Contains(pattern, StringComparison.OrdinalIgnoreCase), $"{name} contains {pattern}");
            }
        }

        foreach (var view in AppViews.All)
        {
            var html = AppViews.Html(view);
            Assert.InRange(Encoding.UTF8.GetByteCount(html), 1, 300 * 1024);
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Contains($"<body data-view=\"{view.Kind}\" data-tool=\"{view.Tool}\">", html, StringComparison.Ordinal);
            Assert.Contains($"<h1 id=\"title\">{view.Title}</h1>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
            Assert.Contains(AppViews.Source("report-view.js"), html, StringComparison.Ordinal);
            Assert.Contains(AppViews.Source("report-view.css"), html, StringComparison.Ordinal);
        }
    }

    private static void AssertCspWithoutDomains(JsonObject? meta)
    {
        var csp = meta?["ui"]?["csp"] as JsonObject;
        Assert.NotNull(csp);
        Assert.All(csp, member => Assert.Empty(Assert.IsType<JsonArray>(member.Value)));
    }

    private static async Task<JsonArray> ToolsJsonAsync(McpClient client)
    {
        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        return new JsonArray([.. tools.Select(t => JsonSerializer.SerializeToNode(t.ProtocolTool, McpJsonUtilities.DefaultOptions))]);
    }

    private static string Serialize(CallToolResult result) => JsonSerializer.Serialize(result, McpJsonUtilities.DefaultOptions);

    private static async Task<McpClient> ConnectAsync(HttpHarness server, string protocolVersion, ClientCapabilities? capabilities)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + KlaviyoStub.ApiKey },
        });
        return await McpClient.CreateAsync(
            transport,
            new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "klaviyo-mcp-apps-tests", Version = "1.0" },
                ProtocolVersion = protocolVersion,
                Capabilities = capabilities,
            },
            cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_view_of_a_tool_the_caller_is_not_offered_is_not_read()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub, new Dictionary<string, string?> { [ServerSettings.ToolsetsVariable] = "lists" }, capabilities: WithApps());

        var listed = await mcp.Client.ListResourcesAsync(cancellationToken: TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() =>
            mcp.Client.ReadResourceAsync(AppViews.All[0].Uri, cancellationToken: TestContext.Current.CancellationToken).AsTask());

        Assert.Empty(listed);
        Assert.Contains("No resource", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-06-18")]
    public async Task Only_a_client_that_declared_the_extension_sees_it_and_resources_in_the_servers_capabilities(string? revision)
    {
        using var stub = new KlaviyoStub();
        await using var plain = await McpHarness.StartAsync(stub, protocolVersion: revision);
        await using var apps = await McpHarness.StartAsync(stub, capabilities: WithApps(), protocolVersion: revision);

        Assert.Null(plain.Client.ServerCapabilities.Resources);
        Assert.False(plain.Client.ServerCapabilities.Extensions?.ContainsKey(McpAppsExtension.Id) ?? false);
        Assert.NotNull(plain.Client.ServerCapabilities.Tools);
        Assert.NotNull(apps.Client.ServerCapabilities.Resources);
        Assert.True(apps.Client.ServerCapabilities.Extensions?.ContainsKey(McpAppsExtension.Id));
    }
}
