using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;
using Microsoft.Extensions.Configuration;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>klaviyo-mcp serve</c> over Streamable HTTP with the SDK's client: both authentication modes, 401s, token restrictions, limits.</summary>
public sealed class HttpTransportTests : IDisposable
{
    private const string AliceToken = "alice-2f0c7d1e9b8a4c3d";
    private const string BobToken = "bob-6a5b4c3d2e1f0a9b";
    private const string CarolToken = "carol-0a1b2c3d4e5f6a7b";
    private const string GlobexKey = "pk_test_globex_fedcba9876543210fedcba98";
    private const string Event = """{"metric":{"name":"Placed Order"},"profile":{"email":"sarah.mason@klaviyo-demo.com"},"value":12.5,"unique_id":"http-1"}""";

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string?> TeamTokens() => new()
    {
        ["ACME_KLAVIYO_KEY"] = KlaviyoStub.ApiKey,
        ["GLOBEX_KLAVIYO_KEY"] = GlobexKey,
        [HttpServeSettings.TokensFileVariable] = _folder.Write("tokens.json", $$"""
            {
              "accounts": {
                "acme": { "api_key_env": "ACME_KLAVIYO_KEY" },
                "globex": { "api_key_env": "GLOBEX_KLAVIYO_KEY" }
              },
              "tokens": [
                { "name": "alice", "sha256": "{{HttpHarness.Sha256(AliceToken)}}", "account": "acme" },
                { "name": "bob", "sha256": "{{HttpHarness.Sha256(BobToken)}}", "account": "globex", "read_only": true },
                { "name": "carol", "sha256": "{{HttpHarness.Sha256(CarolToken)}}", "account": "acme", "toolsets": ["events", "lists"], "drafts_only": true }
              ]
            }
            """),
    };

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_team_token_lists_its_tools_and_creates_an_event_with_its_accounts_key()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        await using var client = await server.ConnectAsync(AliceToken);

        Assert.Equal("klaviyo-mcp", client.ServerInfo?.Name);
        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(tools, t => t.Name == "create_event");
        Assert.Contains(tools, t => t.Name == "delete_list");
        Assert.DoesNotContain(tools, t => t.Name == "import_events");

        var result = await client.CallToolAsync("create_event", McpHarness.Arguments(Event), cancellationToken: TestContext.Current.CancellationToken);

        result.AssertSuccess();
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, request.Header("Authorization"));
        Assert.DoesNotContain(KlaviyoStub.ApiKey, result.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains(KlaviyoStub.ApiKey, StringComparison.Ordinal) || line.Contains(AliceToken, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_read_only_token_sees_only_reads_and_its_write_is_refused_with_nothing_sent()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        await using var bob = await server.ConnectAsync(BobToken);

        var tools = await bob.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(tools, t => t.Name == "get_profiles");
        Assert.All(tools, t => Assert.True(t.ProtocolTool.Annotations?.ReadOnlyHint, t.Name + " is not read-only"));

        var result = await bob.CallToolAsync("create_event", McpHarness.Arguments(Event), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.IsError);
        Assert.Contains("the token \"bob\" is read-only", result.Text(), StringComparison.Ordinal);

        // call_operation stays, listed read-only, and calls reads only for this token.
        Assert.Contains(tools, t => t.Name == "call_operation" && t.ProtocolTool.Annotations?.DestructiveHint != true);
        var write = await bob.CallToolAsync("call_operation", McpHarness.Arguments("""{"operation":"create_list","body":{"data":{"type":"list","attributes":{"name":"VIP"}}}}"""), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(write.IsError);
        Assert.Contains("the token \"bob\" is read-only", write.Text(), StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Each_token_reads_instructions_about_its_own_tools()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        await using var carol = await server.ConnectAsync(CarolToken);
        await using var alice = await server.ConnectAsync(AliceToken);
        await using var bob = await server.ConnectAsync(BobToken);
        await using var carolAgain = await server.ConnectAsync(CarolToken);

        Assert.DoesNotContain("get_campaigns", carol.ServerInstructions, StringComparison.Ordinal);
        Assert.Contains("get_campaigns", alice.ServerInstructions, StringComparison.Ordinal);
        Assert.Contains("delete_list", alice.ServerInstructions, StringComparison.Ordinal);
        Assert.Contains("This server is read-only", bob.ServerInstructions, StringComparison.Ordinal);
        Assert.DoesNotContain("create_event", bob.ServerInstructions, StringComparison.Ordinal);
        Assert.Equal(carol.ServerInstructions, carolAgain.ServerInstructions);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_token_with_toolsets_and_drafts_only_sees_those_toolsets_without_destructive_tools()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        await using var carol = await server.ConnectAsync(CarolToken);

        var names = (await carol.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).ToHashSet();

        Assert.Contains("create_event", names);
        Assert.Contains("create_list", names);
        Assert.DoesNotContain("delete_list", names);
        Assert.DoesNotContain("remove_profiles_from_list", names);
        Assert.DoesNotContain("get_profiles", names);
        Assert.Contains("create_list", carol.ServerInstructions, StringComparison.Ordinal);
        Assert.DoesNotContain("delete_list", carol.ServerInstructions, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?<![a-z_])get_profiles(?![a-z_])", carol.ServerInstructions);
        var refused = await carol.CallToolAsync("delete_list", McpHarness.Arguments("""{"list_id":"Y6nRLr"}"""), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(refused.IsError);
        Assert.Contains("may only make changes that can be taken back", refused.Text(), StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Each_caller_brings_their_own_key_which_is_used_for_their_request_only_and_never_shown()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var server = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?> { [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true" });
        await using var acme = await server.ConnectAsync(KlaviyoStub.ApiKey);
        await using var globex = await server.ConnectAsync(GlobexKey);

        var calls = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? acme : globex).CallToolAsync(
            "create_event",
            McpHarness.Arguments(Event.Replace("http-1", "byo-" + i, StringComparison.Ordinal)),
            cancellationToken: TestContext.Current.CancellationToken).AsTask());
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => r.AssertSuccess());
        var keys = stub.Requests.Select(r => (Id: JsonNode.Parse(r.Body!)!["data"]!["attributes"]!["unique_id"]!.GetValue<string>(), Key: r.Header("Authorization"))).ToList();
        Assert.Equal(10, keys.Count);
        Assert.All(keys, k => Assert.Equal("Klaviyo-API-Key " + (int.Parse(k.Id["byo-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? KlaviyoStub.ApiKey : GlobexKey), k.Key));
        var everything = string.Join('\n', server.Logs.Lines) + string.Join('\n', results.Select(r => r.Text()));
        Assert.DoesNotContain(KlaviyoStub.ApiKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(GlobexKey, everything, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_request_without_a_token_or_with_an_unknown_one_is_401_pointing_to_the_resource_metadata()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        using var http = new HttpClient();

        foreach (var bearer in new[] { null, "not-a-token", KlaviyoStub.ApiKey })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUrl)
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.Contains($"resource_metadata=\"{server.Url.AbsoluteUri.TrimEnd('/')}/.well-known/oauth-protected-resource\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Equal(bearer is null ? "invalid_request" : "invalid_token", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]);
        }

        var metadata = JsonNode.Parse(await http.GetStringAsync(new Uri(server.Url, "/.well-known/oauth-protected-resource"), TestContext.Current.CancellationToken))!;
        Assert.Equal(server.McpUrl.AbsoluteUri, (string?)metadata["resource"]);
        Assert.Equal("header", (string?)metadata["bearer_methods_supported"]![0]);
        Assert.Null(metadata["authorization_servers"]);
        Assert.Empty(stub.Requests);

        // The SDK's client fails to connect, rather than connecting without a token.
        await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync("not-a-token"));
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_bring_your_own_key_server_refuses_a_bearer_that_is_not_a_private_key()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?> { [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true" });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUrl) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk_something_else");

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("private API key", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Healthz_answers_200_with_the_version_and_nothing_secret()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(server.Url, "/healthz"), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ServerSettings.ServerVersion, (string?)JsonNode.Parse(body)!["version"]);
        Assert.DoesNotContain("pk_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", body, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Imports_are_off_over_HTTP_unless_allowed_and_then_read_only_under_the_import_roots()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/event-bulk-create-jobs", 202);
        var environment = TeamTokens();
        await using (var server = await HttpHarness.StartAsync(stub.Url, environment))
        await using (var alice = await server.ConnectAsync(AliceToken))
        {
            var refused = await alice.CallToolAsync("import_events", McpHarness.Arguments($$"""{"path":"{{_folder.Path}}/events.csv"}"""), cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(refused.IsError);
            Assert.Contains(HttpServeSettings.AllowImportsVariable, refused.Text(), StringComparison.Ordinal);
        }

        environment[HttpServeSettings.AllowImportsVariable] = "true";
        var problem = Assert.Throws<ServerConfigurationException>(() => HttpServeSettings.Read(
            new ConfigurationBuilder().AddInMemoryCollection(environment).Build(), new ServerSettings()));
        Assert.Contains(ServerSettings.ImportRootsVariable, problem.Message, StringComparison.Ordinal);

        var file = _folder.Write("events.csv", "metric,email\nPlaced Order,a@klaviyo-demo.com\n");
        environment[ServerSettings.ImportRootsVariable] = _folder.Path;
        await using (var server = await HttpHarness.StartAsync(stub.Url, environment))
        await using (var alice = await server.ConnectAsync(AliceToken))
        {
            var imported = await alice.CallToolAsync("import_events", McpHarness.Arguments($$"""{"path":"{{file}}"}"""), cancellationToken: TestContext.Current.CancellationToken);
            imported.AssertSuccess();
            var outside = await alice.CallToolAsync("import_events", McpHarness.Arguments("""{"path":"/etc/passwd"}"""), cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(outside.IsError);
        }

        Assert.Single(stub.Requests);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Tool_calls_beyond_the_per_token_bound_get_a_JSON_RPC_error_at_once()
    {
        using var stub = new KlaviyoStub();
        stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/events").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(202).WithDelay(TimeSpan.FromSeconds(3)));
        var environment = TeamTokens();
        environment[HttpServeSettings.MaxConcurrentCallsVariable] = "2";
        await using var server = await HttpHarness.StartAsync(stub.Url, environment);
        await using var alice = await server.ConnectAsync(AliceToken);
        await using var bob = await server.ConnectAsync(BobToken);

        var slow = Enumerable.Range(0, 2).Select(i => alice.CallToolAsync("create_event", McpHarness.Arguments(Event.Replace("http-1", "slow-" + i, StringComparison.Ordinal)), cancellationToken: TestContext.Current.CancellationToken).AsTask()).ToList();
        var concurrency = (CallerConcurrency)server.Services.GetService(typeof(CallerConcurrency))!;
        for (var i = 0; i < 400 && concurrency.InFlight("token:alice") < 2; i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, concurrency.InFlight("token:alice"));
        var third = await Assert.ThrowsAsync<McpProtocolException>(() => alice.CallToolAsync("create_event", McpHarness.Arguments(Event), cancellationToken: TestContext.Current.CancellationToken).AsTask());
        var other = await bob.CallToolAsync("get_account", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("Too many tool calls in flight for the token \"alice\": at most 2", third.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Too many", other.Text(), StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(slow), r => r.AssertSuccess());
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_request_body_over_16_MB_is_refused()
    {
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, TeamTokens());
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUrl)
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"create_event\",\"arguments\":{\"metric\":{\"name\":\"" + new string('x', 17 * 1024 * 1024) + "\"}}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AliceToken);
        request.Headers.ExpectContinue = true;

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public void Serve_refuses_to_start_without_an_authentication_mode_or_with_both_and_says_why()
    {
        var neither = Assert.Throws<ServerConfigurationException>(() => HttpServeSettings.Read(new ConfigurationBuilder().Build(), new ServerSettings()));
        Assert.Contains(HttpServeSettings.TokensFileVariable, neither.Message, StringComparison.Ordinal);
        Assert.Contains(HttpServeSettings.AcceptKlaviyoKeysVariable, neither.Message, StringComparison.Ordinal);

        var environment = TeamTokens();
        environment[HttpServeSettings.AcceptKlaviyoKeysVariable] = "true";
        var both = Assert.Throws<ServerConfigurationException>(() => HttpServeSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(environment).Build(), new ServerSettings()));
        Assert.Contains("choose one", both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tokens_file_with_an_unset_key_variable_an_unknown_account_or_a_bad_hash_is_refused()
    {
        var file = _folder.Write("bad-tokens.json", """
            {
              "accounts": { "acme": { "api_key_env": "UNSET_VARIABLE_FOR_TEST" } },
              "tokens": [
                { "name": "a", "sha256": "abc", "account": "acme" },
                { "name": "b", "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "account": "initech" },
                { "name": "c", "sha256": "1111111111111111111111111111111111111111111111111111111111111111", "account": "acme", "readonly": true }
              ]
            }
            """);
        var environment = new Dictionary<string, string?> { [HttpServeSettings.TokensFileVariable] = file };

        var problem = Assert.Throws<ServerConfigurationException>(() => HttpServeSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(environment).Build(), new ServerSettings()));

        Assert.Contains("not a valid tokens file", problem.Message, StringComparison.Ordinal);
        File.WriteAllText(file, File.ReadAllText(file).Replace(", \"readonly\": true", "", StringComparison.Ordinal));
        problem = Assert.Throws<ServerConfigurationException>(() => HttpServeSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(environment).Build(), new ServerSettings()));
        Assert.Contains("UNSET_VARIABLE_FOR_TEST is not set", problem.Message, StringComparison.Ordinal);
        Assert.Contains("token \"a\": sha256 must be the 64 hex digits", problem.Message, StringComparison.Ordinal);
        Assert.Contains("account \"initech\" is not among the file's accounts", problem.Message, StringComparison.Ordinal);
    }
}
