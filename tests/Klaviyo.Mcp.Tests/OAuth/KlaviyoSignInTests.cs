using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.OAuth;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// <c>KLAVIYO_HTTP_AUTH=klaviyo</c> end to end: serve as the authorization server of MCP clients and a client of a stub
/// Klaviyo OAuth server (the stub's token and revoke endpoints; the test plays the person at Klaviyo's consent page by
/// following the server's redirect and calling its callback): discovery, registration, authorize, callback, token,
/// rotation, revocation, the person's Klaviyo token on every call, its refresh, and <c>invalid_grant</c>.
/// </summary>
public sealed class KlaviyoSignInTests
{
    private const string AppId = "kl-app-1";
    private const string AppSecret = "kl-app-secret-0f1e2d3c4b5a";
    private const string KlaviyoAccess = "kl-access-token-aaaa1111";
    private const string KlaviyoRefresh = "kl-refresh-token-bbbb2222";
    private const string KlaviyoAccess2 = "kl-access-token-cccc3333";
    private const string ClientRedirect = "http://127.0.0.1:1/callback";
    private const string ToolsList = """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""";
    private const string Accounts = """{"data":[{"type":"account","id":"AbC123","attributes":{"contact_information":{"organization_name":"Acme"}}}]}""";

    private static string TokenAnswer(string access, int expiresIn = 3600) =>
        $$"""{"access_token":"{{access}}","refresh_token":"{{KlaviyoRefresh}}","expires_in":{{expiresIn}},"token_type":"Bearer","scope":"accounts:read events:read"}""";

    /// <summary>A stub Klaviyo whose token endpoint signs a person in and whose account can be read.</summary>
    private static KlaviyoStub KlaviyoForSignIn() => new KlaviyoStub()
        .Answer("POST", "/oauth/token", 200, TokenAnswer(KlaviyoAccess))
        .Answer("GET", "/api/accounts", 200, Accounts);

    private static Dictionary<string, string?> Environment(KlaviyoStub stub, string publicUrl, int? port = null)
    {
        var environment = new Dictionary<string, string?>
        {
            [HttpServeSettings.AuthVariable] = "klaviyo",
            [HttpServeSettings.PublicUrlVariable] = publicUrl,
            [KlaviyoOAuthSettings.ClientIdVariable] = AppId,
            [KlaviyoOAuthSettings.ClientSecretVariable] = AppSecret,
            [KlaviyoOAuthSettings.AuthorizeUrlVariable] = new Uri(stub.Url, "/oauth/authorize").AbsoluteUri,
            [KlaviyoOAuthSettings.TokenUrlVariable] = new Uri(stub.Url, "/oauth/token").AbsoluteUri,
            [KlaviyoOAuthSettings.RevokeUrlVariable] = new Uri(stub.Url, "/oauth/revoke").AbsoluteUri,
        };
        if (port is { } p)
        {
            environment[HttpServeSettings.PortVariable] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return environment;
    }

    private static async Task<HttpHarness> StartAsync(KlaviyoStub stub)
    {
        var port = HttpHarness.FreePort();
        return await HttpHarness.StartAsync(stub.Url, Environment(stub, $"http://127.0.0.1:{port}", port));
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Discovery_names_this_server_as_the_authorization_server_and_mcp_refuses_anything_but_its_own_tokens()
    {
        using var stub = new KlaviyoStub();
        await using var server = await StartAsync(stub);
        var issuer = server.Url.AbsoluteUri.TrimEnd('/');
        using var http = new HttpClient();

        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            var metadata = JsonNode.Parse(await http.GetStringAsync(new Uri(server.Url, path), TestContext.Current.CancellationToken))!;
            Assert.Equal(issuer + "/mcp", (string?)metadata["resource"]);
            Assert.Equal([issuer], metadata["authorization_servers"]!.AsArray().Select(s => (string?)s));
        }

        var authorizationServer = JsonNode.Parse(await http.GetStringAsync(new Uri(server.Url, AuthorizationServerMetadata.Path), TestContext.Current.CancellationToken))!;
        Assert.Equal(issuer, (string?)authorizationServer["issuer"]);
        Assert.Equal(issuer + "/oauth/token", (string?)authorizationServer["token_endpoint"]);
        Assert.True((bool?)authorizationServer["client_id_metadata_document_supported"]);

        foreach (var bearer in new[] { null, KlaviyoStub.ApiKey, "some-team-token" })
        {
            using var response = await HttpHarness.PostRawAsync(server, bearer, ToolsList);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains($"resource_metadata=\"{issuer}/.well-known/oauth-protected-resource\"", Assert.Single(response.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        }

    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task The_SDKs_OAuth_client_registers_signs_in_at_Klaviyo_and_each_call_uses_the_persons_Klaviyo_token()
    {
        using var stub = KlaviyoForSignIn();
        await using var server = await StartAsync(stub);
        using var browser = new SignInBrowser();
        Uri? klaviyoAuthorize = null;

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ModelContextProtocol.Authentication.ClientOAuthOptions
            {
                RedirectUri = new Uri(ClientRedirect),
                DynamicClientRegistration = new() { ClientName = "test client" },
                AuthorizationCallbackHandler = async (context, cancellationToken) =>
                {
                    using var toKlaviyo = await browser.AuthorizeAsync(context.AuthorizationUri, cancellationToken);
                    Assert.Equal(HttpStatusCode.Redirect, toKlaviyo.StatusCode);
                    klaviyoAuthorize = toKlaviyo.Headers.Location!;
                    var state = HttpUtility.ParseQueryString(klaviyoAuthorize.Query)["state"];

                    // The person approves at Klaviyo, which sends them back to the server's callback.
                    using var back = await browser.GetAsync(new Uri(server.Url, $"/oauth/callback?code=kl-code-1&state={Uri.EscapeDataString(state!)}"), cancellationToken);
                    Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
                    Assert.StartsWith(ClientRedirect, back.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
                    var query = HttpUtility.ParseQueryString(back.Headers.Location!.Query);
                    return new ModelContextProtocol.Authentication.AuthorizationResult { Code = query["code"]!, State = query["state"], Iss = query["iss"] };
                },
            },
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: TestContext.Current.CancellationToken);

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var result = await client.CallToolAsync("get_account", new Dictionary<string, object?>(), cancellationToken: TestContext.Current.CancellationToken);

        result.AssertSuccess();
        Assert.Contains(tools, t => t.Name == "get_account");

        // Klaviyo saw the server's own client id, state and PKCE pair, and the catalogue's scopes.
        var authorize = HttpUtility.ParseQueryString(klaviyoAuthorize!.Query);
        Assert.Equal(AppId, authorize["client_id"]);
        Assert.Equal(server.Url.AbsoluteUri.TrimEnd('/') + "/oauth/callback", authorize["redirect_uri"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Contains("accounts:read", authorize["scope"]!.Split(' '));

        // The code was exchanged with the app's secret by HTTP Basic and the verifier of that challenge.
        var exchange = Assert.Single(stub.Requests, r => r.Path == "/oauth/token");
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(AppId + ":" + AppSecret)), exchange.Header("Authorization"));
        var form = HttpUtility.ParseQueryString(exchange.Body!);
        Assert.Equal("kl-code-1", form["code"]);
        Assert.Equal(authorize["code_challenge"], Pkce.Challenge(form["code_verifier"]!));

        // Every Klaviyo call (the account read at sign-in, and the tool's) carried the person's Klaviyo token.
        Assert.All(stub.Requests.Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)), r => Assert.Equal("Bearer " + KlaviyoAccess, r.Header("Authorization")));
        Assert.Equal(2, stub.Requests.Count(r => r.Path == "/api/accounts"));
        Assert.DoesNotContain(KlaviyoAccess, string.Join('\n', server.Logs.Lines), StringComparison.Ordinal);
        Assert.DoesNotContain(KlaviyoRefresh, string.Join('\n', server.Logs.Lines), StringComparison.Ordinal);
        Assert.DoesNotContain(AppSecret, string.Join('\n', server.Logs.Lines), StringComparison.Ordinal);
        // At Trace, no request line with Klaviyo's code (the callback's query) is logged either.
        Assert.DoesNotContain("kl-code-1", string.Join('\n', server.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task The_consent_page_names_the_application_its_redirect_and_the_scopes_as_text_and_nothing_goes_to_Klaviyo_before_approval()
    {
        using var stub = new KlaviyoStub();
        await using var server = await StartAsync(stub);
        using var browser = new SignInBrowser();
        var clientId = await RegisterAsync(server, "<img src=x onerror=alert(1)> Evil & Co");

        using var page = await browser.GetAsync(Authorize(server, clientId, ClientRedirect, Pkce.Challenge(Pkce.NewVerifier())), TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Null(page.Headers.Location);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; Evil &amp; Co", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(clientId), html, StringComparison.Ordinal);
        Assert.Contains(ClientRedirect, html, StringComparison.Ordinal);
        Assert.Contains("<code>accounts:read</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(html, "<form method=\"post\"").Count);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Two_consent_pages_open_in_one_browser_each_still_answer_and_the_forms_post_under_the_public_URLs_path()
    {
        using var stub = new KlaviyoStub();
        var port = HttpHarness.FreePort();
        var publicUrl = $"http://127.0.0.1:{port}/klaviyo";
        await using var server = await HttpHarness.StartAsync(stub.Url, Environment(stub, publicUrl, port));
        using var browser = new SignInBrowser();
        var clientId = await RegisterAsync(server);
        var first = Authorize(server, clientId, ClientRedirect, Pkce.Challenge(Pkce.NewVerifier()));
        var second = Authorize(server, clientId, ClientRedirect, Pkce.Challenge(Pkce.NewVerifier()));

        using var firstPage = await browser.GetAsync(first, TestContext.Current.CancellationToken);
        var firstHtml = await firstPage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var secondPage = await browser.GetAsync(second, TestContext.Current.CancellationToken);

        Assert.Contains($"action=\"{publicUrl}/oauth/consent\"", firstHtml, StringComparison.Ordinal);
        // The proxy in front maps the public path to the server's root: the form is posted where it says, less the prefix.
        using var approved = await browser.SubmitAsync(new Uri(first), firstHtml.Replace(publicUrl + "/oauth/consent", "/oauth/consent", StringComparison.Ordinal), 0, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.StartsWith(new Uri(stub.Url, "/oauth/authorize").AbsoluteUri, approved.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Denying_on_the_consent_page_tells_the_application_access_denied_with_its_state_and_never_reaches_Klaviyo()
    {
        using var stub = new KlaviyoStub();
        await using var server = await StartAsync(stub);
        using var browser = new SignInBrowser();
        var clientId = await RegisterAsync(server);

        using var denied = await browser.AuthorizeAsync(Authorize(server, clientId, ClientRedirect, Pkce.Challenge(Pkce.NewVerifier())), TestContext.Current.CancellationToken, approve: false);

        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith(ClientRedirect, denied.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(denied.Headers.Location!.Query);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("client-state", query["state"]);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task An_approval_or_a_callback_from_another_browser_is_refused_without_redirecting_and_the_persons_own_still_completes()
    {
        using var stub = KlaviyoForSignIn();
        await using var server = await StartAsync(stub);
        using var person = new SignInBrowser();
        using var attacker = new SignInBrowser();
        var clientId = await RegisterAsync(server);
        var authorize = Authorize(server, clientId, ClientRedirect, Pkce.Challenge(Pkce.NewVerifier()));

        // The consent form posted by another browser (no consent cookie of its own): refused, whatever the ticket.
        using var page = await person.GetAsync(authorize, TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var forged = await attacker.SubmitAsync(new Uri(authorize), html, 0, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(forged.Headers.Location);

        // The person approves; Klaviyo's callback in another browser (no state cookie) is refused, then the person's goes through.
        using var toKlaviyo = await person.SubmitAsync(new Uri(authorize), html, 0, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, toKlaviyo.StatusCode);
        var state = HttpUtility.ParseQueryString(toKlaviyo.Headers.Location!.Query)["state"]!;
        var callback = new Uri(server.Url, $"/oauth/callback?code=kl-code&state={Uri.EscapeDataString(state)}");
        using var elsewhere = await attacker.GetAsync(callback, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Null(elsewhere.Headers.Location);
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/oauth/token");

        using var back = await person.GetAsync(callback, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.NotNull(HttpUtility.ParseQueryString(back.Headers.Location!.Query)["code"]);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task Authorize_refuses_unknown_clients_and_redirects_without_redirecting_and_requires_PKCE_S256()
    {
        using var stub = new KlaviyoStub();
        await using var server = await StartAsync(stub);
        using var browser = new SignInBrowser();
        var clientId = await RegisterAsync(server);
        var challenge = Pkce.Challenge(Pkce.NewVerifier());

        using var unknown = await browser.AuthorizeAsync(Authorize(server, "mcp_unknown", ClientRedirect, challenge), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Null(unknown.Headers.Location);

        using var foreign = await browser.AuthorizeAsync(Authorize(server, clientId, "https://evil.example.test/cb", challenge), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Null(foreign.Headers.Location);

        foreach (var method in new[] { "plain", "" })
        {
            using var noPkce = await browser.AuthorizeAsync(Authorize(server, clientId, ClientRedirect, challenge, method), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, noPkce.StatusCode);
            var query = HttpUtility.ParseQueryString(noPkce.Headers.Location!.Query);
            Assert.Equal("invalid_request", query["error"]);
            Assert.Equal("client-state", query["state"]);
        }

        using var foreignResource = await browser.AuthorizeAsync(Authorize(server, clientId, ClientRedirect, challenge) + "&resource=" + Uri.EscapeDataString("https://other.example.test/mcp"), TestContext.Current.CancellationToken);
        Assert.Equal("invalid_target", HttpUtility.ParseQueryString(foreignResource.Headers.Location!.Query)["error"]);

        // A person who denies consent at Klaviyo: access_denied goes back to the client with its state.
        using var toKlaviyo = await browser.AuthorizeAsync(Authorize(server, clientId, ClientRedirect, challenge), TestContext.Current.CancellationToken);
        var state = HttpUtility.ParseQueryString(toKlaviyo.Headers.Location!.Query)["state"];
        using var denied = await browser.GetAsync(new Uri(server.Url, $"/oauth/callback?error=access_denied&state={Uri.EscapeDataString(state!)}"), TestContext.Current.CancellationToken);
        var deniedQuery = HttpUtility.ParseQueryString(denied.Headers.Location!.Query);
        Assert.StartsWith(ClientRedirect, denied.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("access_denied", deniedQuery["error"]);
        Assert.Equal("client-state", deniedQuery["state"]);
        Assert.Null(deniedQuery["code"]);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task The_token_endpoint_checks_PKCE_and_resource_rotates_refresh_tokens_and_revocation_ends_the_sign_in_here_and_at_Klaviyo()
    {
        using var stub = new KlaviyoStub()
            .Answer("POST", "/oauth/token", 200, TokenAnswer(KlaviyoAccess))
            .Answer("POST", "/oauth/revoke", 200)
            .Answer("GET", "/api/accounts", 200, Accounts);
        await using var server = await StartAsync(stub);
        using var http = new HttpClient();
        var clientId = await RegisterAsync(server);
        var resource = server.Url.AbsoluteUri.TrimEnd('/') + "/mcp";

        var (code, verifier) = await SignInAsync(server, clientId);
        var wrongVerifier = await TokenAsync(server, ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("redirect_uri", ClientRedirect), ("code_verifier", Pkce.NewVerifier()));
        Assert.Equal("invalid_grant", (string?)wrongVerifier["error"]);

        (code, verifier) = await SignInAsync(server, clientId);
        var foreign = await TokenAsync(server, ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("redirect_uri", ClientRedirect), ("code_verifier", verifier), ("resource", "https://other.example.test/mcp"));
        Assert.Equal("invalid_target", (string?)foreign["error"]);

        (code, verifier) = await SignInAsync(server, clientId);
        var tokens = await TokenAsync(server, ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("redirect_uri", ClientRedirect), ("code_verifier", verifier), ("resource", resource));
        var access = (string)tokens["access_token"]!;
        var refresh = (string)tokens["refresh_token"]!;
        Assert.NotEqual(KlaviyoAccess, access);
        Assert.NotEqual(KlaviyoRefresh, refresh);
        var reused = await TokenAsync(server, ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("redirect_uri", ClientRedirect), ("code_verifier", verifier));
        Assert.Equal("invalid_grant", (string?)reused["error"]);

        using (var listed = await HttpHarness.PostRawAsync(server, access, ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        var rotated = await TokenAsync(server, ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", clientId));
        var access2 = (string)rotated["access_token"]!;
        Assert.NotEqual(refresh, (string)rotated["refresh_token"]!);

        using var revoke = await http.PostAsync(new Uri(server.Url, "/oauth/revoke"), new FormUrlEncodedContent([new("token", access2)]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var unknown = await http.PostAsync(new Uri(server.Url, "/oauth/revoke"), new FormUrlEncodedContent([new("token", "nothing-known")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);

        using var afterRevoke = await HttpHarness.PostRawAsync(server, access2, ToolsList);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        var klaviyoRevoke = Assert.Single(stub.Requests, r => r.Path == "/oauth/revoke");
        Assert.Equal(KlaviyoRefresh, HttpUtility.ParseQueryString(klaviyoRevoke.Body!)["token"]);
        var refreshAfterRevoke = await TokenAsync(server, ("grant_type", "refresh_token"), ("refresh_token", (string)rotated["refresh_token"]!), ("client_id", clientId));
        Assert.Equal("invalid_grant", (string?)refreshAfterRevoke["error"]);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task An_expired_Klaviyo_token_is_refreshed_without_asking_and_invalid_grant_revokes_the_sign_in_until_the_person_signs_in_again()
    {
        // Klaviyo's first token is already expired (expires_in 0): the first call refreshes it; the second refresh is refused.
        using var stub = new KlaviyoStub()
            .AnswerInSequence(
                "POST",
                "/oauth/token",
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess, expiresIn: 0)),
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess2, expiresIn: 0)),
                r => r.WithStatusCode(400).WithBody("""{"error":"invalid_grant"}"""),
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess, expiresIn: 3600)))
            .Answer("GET", "/api/accounts", 200, Accounts);
        await using var server = await StartAsync(stub);
        var clientId = await RegisterAsync(server);
        var access = await TokensAsync(server, clientId);

        using (var first = await HttpHarness.PostRawAsync(server, access, HttpHarness.ToolCall("get_account", "{}")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var refreshed = stub.Requests.Where(r => r.Path == "/oauth/token").ToList();
        Assert.Equal("refresh_token", HttpUtility.ParseQueryString(refreshed[1].Body!)["grant_type"]);
        Assert.Equal(KlaviyoRefresh, HttpUtility.ParseQueryString(refreshed[1].Body!)["refresh_token"]);
        Assert.Equal("Bearer " + KlaviyoAccess2, stub.Requests.Last(r => r.Path == "/api/accounts").Header("Authorization"));

        using (var revoked = await HttpHarness.PostRawAsync(server, access, ToolsList))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        using (var still = await HttpHarness.PostRawAsync(server, access, ToolsList))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, still.StatusCode);
        }

        var again = await TokensAsync(server, clientId);
        using var signedInAgain = await HttpHarness.PostRawAsync(server, again, ToolsList);
        Assert.Equal(HttpStatusCode.OK, signedInAgain.StatusCode);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_Klaviyo_401_to_an_unexpired_token_refreshes_it_once_and_resends_the_request_with_the_new_token()
    {
        using var stub = new KlaviyoStub()
            .AnswerInSequence(
                "POST",
                "/oauth/token",
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess)),
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess2)))
            .AnswerInSequence(
                "GET",
                "/api/accounts",
                r => r.WithStatusCode(200).WithBody(Accounts),
                r => r.WithStatusCode(401).WithBody(KlaviyoStub.ErrorBody(401, "not_authenticated", "Incorrect authentication credentials.")),
                r => r.WithStatusCode(200).WithBody(Accounts));
        await using var server = await StartAsync(stub);
        var access = await TokensAsync(server, await RegisterAsync(server));

        using (var call = await HttpHarness.PostRawAsync(server, access, HttpHarness.ToolCall("get_account", "{}")))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            var body = await call.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("AbC123", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"isError\":true", body, StringComparison.Ordinal);
        }

        var tokenRequests = stub.Requests.Where(r => r.Path == "/oauth/token").ToList();
        Assert.Equal(2, tokenRequests.Count);
        Assert.Equal("refresh_token", HttpUtility.ParseQueryString(tokenRequests[1].Body!)["grant_type"]);
        Assert.Equal(KlaviyoRefresh, HttpUtility.ParseQueryString(tokenRequests[1].Body!)["refresh_token"]);
        var calls = stub.Requests.Where(r => r.Path == "/api/accounts").Skip(1).Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(["Bearer " + KlaviyoAccess, "Bearer " + KlaviyoAccess2], calls);

        // The next call uses the new token at once: no second refresh.
        using (var next = await HttpHarness.PostRawAsync(server, access, HttpHarness.ToolCall("get_account", "{}")))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        Assert.Equal(2, stub.Requests.Count(r => r.Path == "/oauth/token"));
        Assert.Equal("Bearer " + KlaviyoAccess2, stub.Requests.Last(r => r.Path == "/api/accounts").Header("Authorization"));
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_Klaviyo_401_whose_refresh_is_invalid_grant_fails_the_call_and_revokes_the_sign_in_until_the_person_signs_in_again()
    {
        using var stub = new KlaviyoStub()
            .AnswerInSequence(
                "POST",
                "/oauth/token",
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess)),
                r => r.WithStatusCode(400).WithBody("""{"error":"invalid_grant"}"""),
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess2)))
            .AnswerInSequence(
                "GET",
                "/api/accounts",
                r => r.WithStatusCode(200).WithBody(Accounts),
                r => r.WithStatusCode(401).WithBody(KlaviyoStub.ErrorBody(401, "not_authenticated", "Incorrect authentication credentials.")),
                r => r.WithStatusCode(200).WithBody(Accounts));
        await using var server = await StartAsync(stub);
        var clientId = await RegisterAsync(server);
        var access = await TokensAsync(server, clientId);

        using (var call = await HttpHarness.PostRawAsync(server, access, HttpHarness.ToolCall("get_account", "{}")))
        {
            var body = await call.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("\"isError\":true", body, StringComparison.Ordinal);
            Assert.Contains("sign in with Klaviyo again", body, StringComparison.Ordinal);
            Assert.DoesNotContain("API key", body, StringComparison.Ordinal);
            Assert.DoesNotContain("AbC123", body, StringComparison.Ordinal);
        }

        Assert.Equal("refresh_token", HttpUtility.ParseQueryString(stub.Requests.Where(r => r.Path == "/oauth/token").ElementAt(1).Body!)["grant_type"]);
        Assert.Equal(2, stub.Requests.Count(r => r.Path == "/api/accounts"));
        using (var refused = await HttpHarness.PostRawAsync(server, access, ToolsList))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var again = await TokensAsync(server, clientId);
        using var signedInAgain = await HttpHarness.PostRawAsync(server, again, HttpHarness.ToolCall("get_account", "{}"));
        Assert.Equal(HttpStatusCode.OK, signedInAgain.StatusCode);
        Assert.Contains("AbC123", await signedInAgain.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task A_confirmation_token_issued_by_one_replica_is_accepted_by_another_and_refused_for_another_account()
    {
        const string otherAccount = """{"data":[{"type":"account","id":"XyZ789","attributes":{"contact_information":{"organization_name":"Other"}}}]}""";
        using var stub = new KlaviyoStub()
            .Answer("POST", "/oauth/token", 200, TokenAnswer(KlaviyoAccess))
            .AnswerInSequence("GET", "/api/accounts", r => r.WithStatusCode(200).WithBody(Accounts), r => r.WithStatusCode(200).WithBody(otherAccount))
            .Answer("DELETE", "/api/lists/L1", 204);

        // Two replicas that share their sign-ins (as Redis makes them), and nothing else: each has its own process key.
        IOAuthStore shared = new InMemoryOAuthStore(TimeProvider.System);
        var firstPort = HttpHarness.FreePort();
        var secondPort = HttpHarness.FreePort();
        await using var first = await HttpHarness.StartAsync(stub.Url, Confirming(Environment(stub, $"http://127.0.0.1:{firstPort}", firstPort)), configure: b => b.Services.AddSingleton(shared));
        await using var second = await HttpHarness.StartAsync(stub.Url, Confirming(Environment(stub, $"http://127.0.0.1:{secondPort}", secondPort)), configure: b => b.Services.AddSingleton(shared));
        var clientId = await RegisterAsync(first);
        var person = await TokensAsync(first, clientId);
        var otherPerson = await TokensAsync(first, clientId);
        await using var onFirst = await first.ConnectAsync(person);
        await using var onSecond = await second.ConnectAsync(person);
        await using var otherOnSecond = await second.ConnectAsync(otherPerson);

        var asked = await onFirst.CallToolAsync("delete_list", McpHarness.Arguments("""{"id":"L1"}"""), cancellationToken: TestContext.Current.CancellationToken);
        var token = asked.AssertSuccess().StructuredContent!.Value.GetProperty("confirmation_token").GetString();
        var withToken = McpHarness.Arguments($$"""{"id":"L1","confirmation_token":"{{token}}"}""");
        var byOther = await otherOnSecond.CallToolAsync("delete_list", withToken, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(byOther.IsError);
        Assert.DoesNotContain(stub.Requests, r => r.Method == "DELETE");

        (await onSecond.CallToolAsync("delete_list", withToken, cancellationToken: TestContext.Current.CancellationToken)).AssertSuccess();
        Assert.Single(stub.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    [Trait("Category", "Http")]
    [Trait("Category", "Redis")]
    public async Task Three_replicas_sharing_Redis_serve_every_step_of_a_sign_in_and_a_revocation_holds_on_all_at_once()
    {
        // Klaviyo's first token is already expired: the first call (on replica 2) refreshes it, and replica 3 uses the new one.
        using var stub = new KlaviyoStub()
            .AnswerInSequence(
                "POST",
                "/oauth/token",
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess, expiresIn: 0)),
                r => r.WithStatusCode(200).WithBody(TokenAnswer(KlaviyoAccess2)))
            .Answer("POST", "/oauth/revoke", 200)
            .Answer("GET", "/api/accounts", 200, Accounts);
        var publicPort = HttpHarness.FreePort();
        var environment = Environment(stub, $"http://127.0.0.1:{publicPort}");
        environment[HttpServeSettings.RedisVariable] = RedisServer.Shared.Endpoint;
        await using var one = await HttpHarness.StartAsync(stub.Url, new Dictionary<string, string?>(environment) { [HttpServeSettings.PortVariable] = publicPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var two = await HttpHarness.StartAsync(stub.Url, environment);
        await using var three = await HttpHarness.StartAsync(stub.Url, environment);
        using var browser = new SignInBrowser();

        var clientId = await RegisterAsync(one);
        var verifier = Pkce.NewVerifier();
        using var toKlaviyo = await browser.AuthorizeAsync(Authorize(two, clientId, ClientRedirect, Pkce.Challenge(verifier)), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, toKlaviyo.StatusCode);
        var state = HttpUtility.ParseQueryString(toKlaviyo.Headers.Location!.Query)["state"];
        using var back = await browser.GetAsync(new Uri(three.Url, $"/oauth/callback?code=kl-code&state={Uri.EscapeDataString(state!)}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var code = HttpUtility.ParseQueryString(back.Headers.Location!.Query)["code"]!;
        var tokens = await TokenAsync(one, ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("redirect_uri", ClientRedirect), ("code_verifier", verifier));
        var access = (string)tokens["access_token"]!;
        var refresh = (string)tokens["refresh_token"]!;

        foreach (var replica in new[] { two, three })
        {
            using var call = await HttpHarness.PostRawAsync(replica, access, HttpHarness.ToolCall("get_account", "{}"));
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            Assert.Contains("AbC123", await call.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        // Klaviyo's token was refreshed once, by replica 2; replica 3 used the refreshed one it found in Redis.
        Assert.Equal(2, stub.Requests.Count(r => r.Path == "/oauth/token"));
        Assert.Equal("Bearer " + KlaviyoAccess2, stub.Requests.Last(r => r.Path == "/api/accounts").Header("Authorization"));

        var rotated = await TokenAsync(three, ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", clientId));
        var newAccess = (string)rotated["access_token"]!;
        var newRefresh = (string)rotated["refresh_token"]!;
        using (var withNew = await HttpHarness.PostRawAsync(two, newAccess, ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        }

        // Nothing in Redis holds a server token, a code or a Klaviyo token in clear.
        var secrets = new[] { access, refresh, newAccess, newRefresh, code, KlaviyoAccess, KlaviyoAccess2, KlaviyoRefresh, AppSecret, verifier };
        var stored = await RedisContentsAsync();
        Assert.Contains(stored, s => s.Contains("oauth:grant:", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(stored, s => s.Contains(secret, StringComparison.Ordinal));
        }

        using (var revoke = await new HttpClient().PostAsync(new Uri(one.Url, "/oauth/revoke"), new FormUrlEncodedContent([new("token", newRefresh)]), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        foreach (var replica in new[] { two, three })
        {
            foreach (var token in new[] { access, newAccess })
            {
                using var refused = await HttpHarness.PostRawAsync(replica, token, ToolsList);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
        }

        Assert.Equal(KlaviyoRefresh, HttpUtility.ParseQueryString(stub.Requests.Single(r => r.Path == "/oauth/revoke").Body!)["token"]);
        Assert.Equal("invalid_grant", (string?)(await TokenAsync(two, ("grant_type", "refresh_token"), ("refresh_token", newRefresh), ("client_id", clientId)))["error"]);
    }

    [Fact]
    [Trait("Category", "Http")]
    public async Task While_the_Redis_of_sign_ins_cannot_be_reached_sign_in_steps_and_calls_answer_503_to_be_retried()
    {
        using var stub = new KlaviyoStub();
        var port = HttpHarness.FreePort();
        var environment = Environment(stub, $"http://127.0.0.1:{port}", port);
        environment[HttpServeSettings.RedisVariable] = $"127.0.0.1:{HttpHarness.FreePort()},connectTimeout=200";
        await using var server = await HttpHarness.StartAsync(stub.Url, environment);
        using var http = new HttpClient();

        using var register = await http.PostAsync(
            new Uri(server.Url, "/oauth/register"),
            new StringContent($$"""{"redirect_uris":["{{ClientRedirect}}"]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        using var call = await HttpHarness.PostRawAsync(server, "some-access-token", ToolsList);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, register.StatusCode);
        Assert.Equal("temporarily_unavailable", (string?)JsonNode.Parse(await register.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        Assert.Equal("5", call.Headers.RetryAfter?.ToString());
    }

    /// <summary>Every key of the server in the shared Redis, and every value, member and field it holds, as text.</summary>
    [Fact]
    [Trait("Category", "Http")]
    public async Task Anonymous_registration_is_limited_per_remote_address_with_429_and_Retry_After()
    {
        using var stub = new KlaviyoStub();
        await using var server = await StartAsync(stub);
        using var http = new HttpClient();
        var ct = TestContext.Current.CancellationToken;

        // Twice the limit and one more: even if a window ends during the test, at most twice the limit are accepted.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i <= 2 * KlaviyoSignIn.RegistrationsPerWindow && refused is null; i++)
        {
            var response = await http.PostAsync(
                new Uri(server.Url, "/oauth/register"),
                new StringContent(new JsonObject { ["client_name"] = "n" + i, ["redirect_uris"] = new JsonArray(ClientRedirect) }.ToJsonString(), Encoding.UTF8, "application/json"),
                ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        using (refused)
        {
            Assert.NotNull(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(statuses.Count > KlaviyoSignIn.RegistrationsPerWindow, "the first registrations of a window are accepted");
            Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync(ct))!;
            Assert.Equal("temporarily_unavailable", (string?)error["error"]);
            Assert.Contains("Too many registrations", (string?)error["error_description"], StringComparison.Ordinal);
        }

    }

    private static async Task<List<string>> RedisContentsAsync()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisServer.Shared.Endpoint);
        var database = redis.GetDatabase();
        var contents = new List<string>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: "klaviyo-mcp:*"))
            {
                contents.Add(key!);
                switch (await database.KeyTypeAsync(key))
                {
                    case StackExchange.Redis.RedisType.String:
                        contents.Add((string?)await database.StringGetAsync(key) ?? "");
                        break;
                    case StackExchange.Redis.RedisType.Hash:
                        contents.AddRange((await database.HashGetAllAsync(key)).Select(e => e.Name + "=" + e.Value));
                        break;
                    case StackExchange.Redis.RedisType.SortedSet:
                        contents.AddRange((await database.SortedSetRangeByRankAsync(key)).Select(m => (string?)m ?? ""));
                        break;
                }
            }
        }

        return contents;
    }

    private static Dictionary<string, string?> Confirming(Dictionary<string, string?> environment)
    {
        environment[ServerSettings.ConfirmVariable] = "true";
        return environment;
    }

    private static async Task<string> RegisterAsync(HttpHarness server, string name = "test")
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            new Uri(server.Url, "/oauth/register"),
            new StringContent(new JsonObject { ["client_name"] = name, ["redirect_uris"] = new JsonArray(ClientRedirect) }.ToJsonString(), Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["client_id"]!;
    }

    private static string Authorize(HttpHarness server, string clientId, string redirectUri, string challenge, string method = "S256") =>
        new Uri(server.Url, "/oauth/authorize").AbsoluteUri
        + $"?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}&state=client-state"
        + $"&code_challenge={challenge}" + (method.Length > 0 ? "&code_challenge_method=" + method : "");

    /// <summary>Authorize, consent at the stub Klaviyo, callback: the server's code for the client, and the client's verifier.</summary>
    private static async Task<(string Code, string Verifier)> SignInAsync(HttpHarness server, string clientId)
    {
        using var browser = new SignInBrowser();
        var verifier = Pkce.NewVerifier();
        using var toKlaviyo = await browser.AuthorizeAsync(Authorize(server, clientId, ClientRedirect, Pkce.Challenge(verifier)), TestContext.Current.CancellationToken);
        var state = HttpUtility.ParseQueryString(toKlaviyo.Headers.Location!.Query)["state"];
        using var back = await browser.GetAsync(new Uri(server.Url, $"/oauth/callback?code=kl-code&state={Uri.EscapeDataString(state!)}"), TestContext.Current.CancellationToken);
        var query = HttpUtility.ParseQueryString(back.Headers.Location!.Query);
        Assert.Equal("client-state", query["state"]);
        return (query["code"]!, verifier);
    }

    private static async Task<string> TokensAsync(HttpHarness server, string clientId)
    {
        var (code, verifier) = await SignInAsync(server, clientId);
        var tokens = await TokenAsync(server, ("grant_type", "authorization_code"), ("code", code), ("client_id", clientId), ("redirect_uri", ClientRedirect), ("code_verifier", verifier));
        return (string)tokens["access_token"]!;
    }

    private static async Task<JsonNode> TokenAsync(HttpHarness server, params (string Name, string Value)[] form)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            new Uri(server.Url, "/oauth/token"),
            new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
            TestContext.Current.CancellationToken);
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(node["error"] is null ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        return node;
    }
}
