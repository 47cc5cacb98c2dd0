using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Http;
using Klaviyo.Testing;
using ModelContextProtocol.Client;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// <c>KLAVIYO_HTTP_AUTH=oidc</c>: serve as a resource server for an identity provider started by the test (discovery,
/// JWKS, tokens signed with its key): the metadata, every kind of bad token, the principals of the policy file through
/// the access policy, the step-up for writes, and the SDK's OAuth client end to end.
/// </summary>
public sealed class OidcTests : IDisposable
{
    private const string PublicUrl = "https://mcp.example.test";
    private const string Audience = PublicUrl + "/mcp";
    private const string GlobexKey = "pk_test_globex_fedcba9876543210fedcba98";
    private const string Event = """{"metric":{"name":"Placed Order"},"profile":{"email":"sarah.mason@klaviyo-demo.com"},"value":12.5,"unique_id":"oidc-1"}""";
    private const string ToolsList = """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""";

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string?> Environment(TestIdentityProvider idp, string publicUrl = PublicUrl) => new()
    {
        [HttpServeSettings.AuthVariable] = "oidc",
        [HttpServeSettings.OidcIssuerVariable] = idp.Issuer,
        [HttpServeSettings.PublicUrlVariable] = publicUrl,
        ["ACME_KLAVIYO_KEY"] = KlaviyoStub.ApiKey,
        ["GLOBEX_KLAVIYO_KEY"] = GlobexKey,
        [HttpServeSettings.TokensFileVariable] = _folder.Write("policy.json", """
            {
              "accounts": {
                "acme": { "api_key_env": "ACME_KLAVIYO_KEY" },
                "globex": { "api_key_env": "GLOBEX_KLAVIYO_KEY" }
              },
              "principals": [
                { "name": "owner", "subject": "user-1", "account": "acme" },
                { "name": "jane", "email": "Jane.Doe@Example.com", "account": "acme", "toolsets": ["events", "lists"], "drafts_only": true },
                { "name": "analysts", "group": "analysts", "account": "globex", "read_only": true },
                { "name": "marketing", "group": "marketing", "account": "acme" }
              ]
            }
            """),
    };

    [Fact]
    [Trait("Category", "Http")]
    public async Task The_resource_metadata_names_the_issuer_and_scopes_and_a_request_without_a_token_is_401_with_the_read_scope()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(idp));
        using var http = new HttpClient();

        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            var metadata = JsonNode.Parse(await http.GetStringAsync(new Uri(server.Url, path), TestContext.Current.CancellationToken))!;
            Assert.Equal(Audience, (string?)metadata["resource"]);
            Assert.Equal([idp.Issuer], metadata["authorization_servers"]!.AsArray().Select(s => (string?)s));
            Assert.Equal(["klaviyo.read", "klaviyo.write"], metadata["scopes_supported"]!.AsArray().Select(s => (string?)s));
        }

        using var response = await HttpHarness.PostRawAsync(server, null, ToolsList);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"resource_metadata=\"{PublicUrl}/.well-known/oauth-protected-resource\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("scope=\"klaviyo.read\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_token_that_is_unsigned_foreign_for_another_audience_or_issuer_expired_or_spliced_is_401()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(idp));
        using var otherKey = RSA.Create(2048);

        // The good token works, so each refusal below is for the one thing that differs.
        var good = idp.Token(Audience);
        using (var accepted = await HttpHarness.PostRawAsync(server, good, ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var goodParts = good.Split('.');
        var otherParts = idp.Token(Audience, subject: "someone-else").Split('.');
        var bad = new Dictionary<string, string>
        {
            ["alg none"] = idp.Token(Audience, algorithm: "none"),
            ["another key"] = idp.Token(Audience, key: otherKey),
            ["another audience"] = idp.Token("https://other.example.test/mcp"),
            ["the issuer's own audience"] = idp.Token(idp.Issuer),
            ["another issuer"] = idp.Token(Audience, issuer: "https://evil.example.test"),
            ["expired"] = idp.Token(Audience, lifetime: TimeSpan.FromMinutes(-2)),
            ["spliced payload"] = $"{goodParts[0]}.{otherParts[1]}.{goodParts[2]}",
            ["no signature"] = $"{goodParts[0]}.{goodParts[1]}.",
            ["a Klaviyo key"] = KlaviyoStub.ApiKey,
            ["garbage"] = "not-a-jwt",
        };

        foreach (var (what, token) in bad)
        {
            using var response = await HttpHarness.PostRawAsync(server, token, ToolsList);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("scope=\"klaviyo.read\"", challenge.Parameter, StringComparison.Ordinal);
        }

        Assert.Empty(stub.Requests);
        var logs = string.Join('\n', server.Logs.Lines);
        Assert.All(bad.Values.Append(good), token => Assert.DoesNotContain(token.Split('.')[^1] is { Length: > 8 } signature ? signature : token, logs, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task When_the_issuer_rotates_its_key_the_first_token_of_the_new_key_is_accepted_and_the_retired_keys_tokens_are_not()
    {
        // Found against oidc-provider (tests/oidc-provider): IdentityModel 8 refreshes the JWKS in the background when a
        // token names an unknown kid, so that token was refused with the keys it had, and a token of the retired key
        // was still accepted by them until the refresh ended.
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(idp));
        var retired = idp.Token(Audience);
        using (var before = await HttpHarness.PostRawAsync(server, retired, ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        idp.RotateKey();

        using (var rotated = await HttpHarness.PostRawAsync(server, idp.Token(Audience), ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        using var old = await HttpHarness.PostRawAsync(server, retired, ToolsList);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_matched_principal_calls_with_its_accounts_key_and_an_unmatched_person_is_403()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(idp));

        // user-1 is in the marketing group too: the first matching principal ("owner") wins.
        var token = idp.Token(Audience, subject: "user-1", groups: ["marketing"]);
        await using var owner = await server.ConnectAsync(token);
        var tools = await owner.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(tools, t => t.Name == "delete_list");
        var result = await owner.CallToolAsync("create_event", McpHarness.Arguments(Event), cancellationToken: TestContext.Current.CancellationToken);

        result.AssertSuccess();
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, request.Header("Authorization"));
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains(KlaviyoStub.ApiKey, StringComparison.Ordinal) || line.Contains(token, StringComparison.Ordinal));

        using var stranger = await HttpHarness.PostRawAsync(server, idp.Token(Audience, subject: "user-9", email: "nobody@example.com", groups: ["sales"]), ToolsList);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Empty(stranger.Headers.WwwAuthenticate);
        Assert.Equal("access_denied", (string?)JsonNode.Parse(await stranger.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]);
        Assert.Single(stub.Requests);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_principals_read_only_drafts_only_and_toolsets_shape_its_tools_and_refusals()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub();
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(idp));

        // A group member: read-only, everything listed reads, a write refused by name, nothing sent.
        await using var analyst = await server.ConnectAsync(idp.Token(Audience, subject: "user-2", groups: ["analysts"]));
        var analystTools = await analyst.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(analystTools, t => t.Name == "get_profiles");
        Assert.All(analystTools, t => Assert.True(t.ProtocolTool.Annotations?.ReadOnlyHint, t.Name + " is not read-only"));
        Assert.Contains("This server is read-only", analyst.ServerInstructions, StringComparison.Ordinal);
        var write = await analyst.CallToolAsync("create_event", McpHarness.Arguments(Event), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(write.IsError);
        Assert.Contains("the principal \"analysts\" is read-only", write.Text(), StringComparison.Ordinal);

        // By email, ignoring case: toolsets and drafts-only.
        await using var jane = await server.ConnectAsync(idp.Token(Audience, subject: "user-3", email: "jane.doe@example.COM"));
        var names = (await jane.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(t => t.Name).ToHashSet();
        Assert.Contains("create_event", names);
        Assert.Contains("create_list", names);
        Assert.DoesNotContain("delete_list", names);
        Assert.DoesNotContain("get_profiles", names);
        Assert.DoesNotContain("delete_list", jane.ServerInstructions, StringComparison.Ordinal);
        var refused = await jane.CallToolAsync("delete_list", McpHarness.Arguments("""{"list_id":"Y6nRLr"}"""), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(refused.IsError);
        Assert.Contains("the principal \"jane\" may only make changes that can be taken back", refused.Text(), StringComparison.Ordinal);

        // The same email, which the issuer says it has not verified, names nobody: refused before any tool is listed.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await (await server.ConnectAsync(idp.Token(Audience, subject: "user-9", email: "jane.doe@example.com", emailVerified: false))).ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken));
        await using var verifiedJane = await server.ConnectAsync(idp.Token(Audience, subject: "user-4", email: "jane.doe@example.com", emailVerified: true));
        Assert.Contains((await verifiedJane.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)), t => t.Name == "create_list");
        Assert.Empty(stub.Requests);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_write_with_a_token_lacking_the_write_scope_is_403_insufficient_scope_and_nothing_is_sent()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(idp));
        var readOnlyToken = idp.Token(Audience, subject: "user-1", scope: "openid klaviyo.read");

        // Reads, tools/list and call_operation of a read go through.
        using (var list = await HttpHarness.PostRawAsync(server, readOnlyToken, ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Contains("create_event", await list.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using (var read = await HttpHarness.PostRawAsync(server, readOnlyToken, HttpHarness.ToolCall("call_operation", """{"operation":"get_lists"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.All(stub.Requests, r => Assert.Equal("GET", r.Method));
        var reads = stub.Requests.Count;
        foreach (var (tool, arguments) in new[] { ("create_event", Event), ("call_operation", """{"operation":"create_list","body":{"data":{"type":"list","attributes":{"name":"VIP"}}}}""") })
        {
            using var response = await HttpHarness.PostRawAsync(server, readOnlyToken, HttpHarness.ToolCall(tool, arguments));

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Contains("error=\"insufficient_scope\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("scope=\"klaviyo.read klaviyo.write\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("resource_metadata=", challenge.Parameter, StringComparison.Ordinal);
        }

        // A write hidden in a batch, or behind a property written twice, is held too.
        foreach (var body in new[] { $"[{ToolsList},{HttpHarness.ToolCall("create_event", Event)}]", HttpHarness.ToolCall("get_profiles", "{}").Replace("\"name\":\"get_profiles\"", "\"name\":\"create_event\",\"name\":\"get_profiles\"", StringComparison.Ordinal) })
        {
            using var response = await HttpHarness.PostRawAsync(server, readOnlyToken, body);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(reads, stub.Requests.Count);

        // The same write with both scopes is sent.
        using (var written = await HttpHarness.PostRawAsync(server, idp.Token(Audience, subject: "user-1"), HttpHarness.ToolCall("create_event", Event)))
        {
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        }

        Assert.Contains(stub.Requests, r => r.Method == "POST" && r.Path == "/api/events");

        // Without the read scope nothing goes through: 403 naming the read scope.
        using var noScope = await HttpHarness.PostRawAsync(server, idp.Token(Audience, subject: "user-1", scope: "openid profile"), ToolsList);
        Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);
        Assert.Contains("scope=\"klaviyo.read\"", Assert.Single(noScope.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);

        // A read-only principal's write is the access policy's refusal (more scope would not help), not a step-up.
        using var analyst = await HttpHarness.PostRawAsync(server, idp.Token(Audience, subject: "user-2", scope: "klaviyo.read", groups: ["analysts"]), HttpHarness.ToolCall("create_event", Event));
        Assert.Equal(HttpStatusCode.OK, analyst.StatusCode);
        Assert.Contains("is read-only", await analyst.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task The_SDKs_OAuth_client_signs_in_through_the_issuer_and_steps_up_for_a_write()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        var port = HttpHarness.FreePort();
        var publicUrl = $"http://127.0.0.1:{port}";
        var environment = Environment(idp, publicUrl);
        environment[HttpServeSettings.PortVariable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var server = await HttpHarness.StartAsync(stub.Url, environment);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ModelContextProtocol.Authentication.ClientOAuthOptions
            {
                ClientId = "test-client",
                RedirectUri = new Uri("http://127.0.0.1:1/callback"),
                AuthorizationCallbackHandler = async (context, cancellationToken) =>
                {
                    // The person approves: the provider redirects to the client's redirect URI with a code.
                    using var response = await browser.GetAsync(context.AuthorizationUri, cancellationToken);
                    var query = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
                    return new ModelContextProtocol.Authentication.AuthorizationResult { Code = query["code"]!, State = query["state"], Iss = query["iss"] };
                },
            },
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: TestContext.Current.CancellationToken);

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(tools, t => t.Name == "create_event");
        Assert.Equal("klaviyo.read", Assert.Single(idp.RequestedScopes));

        var result = await client.CallToolAsync("create_event", McpHarness.Arguments(Event), cancellationToken: TestContext.Current.CancellationToken);

        result.AssertSuccess();
        Assert.Contains("klaviyo.write", idp.RequestedScopes.Last(), StringComparison.Ordinal);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Klaviyo-API-Key " + KlaviyoStub.ApiKey, request.Header("Authorization"));
    }
}
