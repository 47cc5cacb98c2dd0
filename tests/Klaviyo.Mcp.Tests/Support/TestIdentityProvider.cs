using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// A tiny OpenID provider on 127.0.0.1 for the OIDC tests: its discovery document, its JWKS (one RSA key), and JWT
/// access tokens signed with that key (<see cref="Token"/>), or with another key, or unsigned, for the negative cases.
/// For the SDK's OAuth client it also has an authorization endpoint that approves at once and a token endpoint that
/// checks PKCE S256 and issues a token for the requested <c>resource</c> and scopes, to <see cref="SignedInSubject"/>.
/// <see cref="RotateKey"/> replaces the key (and its kid) as an issuer rotating its keys does.
/// </summary>
internal sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RSA> _retiredKeys = [];
    private RSA _key = RSA.Create(2048);
    private int _generation = 1;
    private readonly ConcurrentDictionary<string, (string Challenge, string Scope, string Resource, string RedirectUri)> _codes = new();

    private TestIdentityProvider(WebApplication app) => _app = app;

    /// <summary>The issuer: http://127.0.0.1:port, no trailing slash.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>The kid of the current key (test-key-1, then test-key-2 after a rotation...).</summary>
    public string KeyId => $"test-key-{_generation}";

    /// <summary>Whom the authorization endpoint signs in.</summary>
    public string SignedInSubject { get; set; } = "user-1";

    /// <summary>The scopes of every authorization request, in order.</summary>
    public ConcurrentQueue<string> RequestedScopes { get; } = new();

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var provider = new TestIdentityProvider(app);
        app.MapGet("/.well-known/openid-configuration", (RequestDelegate)(context => Json(context, provider.Discovery())));
        app.MapGet("/.well-known/oauth-authorization-server", (RequestDelegate)(context => Json(context, provider.Discovery())));
        app.MapGet("/jwks", (RequestDelegate)(context => Json(context, provider.Jwks())));
        app.MapGet("/authorize", (RequestDelegate)provider.Authorize);
        app.MapPost("/token", (RequestDelegate)provider.IssueAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        provider.Issuer = app.Urls.Single().TrimEnd('/');
        return provider;
    }

    /// <summary>
    /// A JWT access token: RS256 with this provider's key (or <paramref name="key"/>), from <paramref name="issuer"/>
    /// (default: this one) for <paramref name="audience"/>, expiring after <paramref name="lifetime"/> (negative: already expired).
    /// </summary>
    public string Token(
        string audience,
        string subject = "user-1",
        string scope = "klaviyo.read klaviyo.write",
        string? email = null,
        string[]? groups = null,
        string? issuer = null,
        TimeSpan? lifetime = null,
        RSA? key = null,
        string algorithm = "RS256",
        bool? emailVerified = null)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["iss"] = issuer ?? Issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime ?? TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
            ["scope"] = scope,
            ["client_id"] = "test-client",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (email is not null)
        {
            payload["email"] = email;
        }

        if (emailVerified is { } verified)
        {
            payload["email_verified"] = verified;
        }

        if (groups is not null)
        {
            payload["groups"] = new JsonArray([.. groups.Select(g => JsonValue.Create(g))]);
        }

        var header = new JsonObject { ["alg"] = algorithm, ["typ"] = "at+jwt" };
        if (algorithm != "none")
        {
            header["kid"] = KeyId;
        }

        var signingInput = Base64Url(header.ToJsonString()) + "." + Base64Url(payload.ToJsonString());
        var signature = algorithm == "none"
            ? ""
            : Base64UrlEncode((key ?? _key).SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return signingInput + "." + signature;
    }

    /// <summary>A new key under a new kid; the JWKS lists only it from now on, and tokens are signed with it.</summary>
    public void RotateKey()
    {
        _retiredKeys.Add(_key);
        _key = RSA.Create(2048);
        _generation++;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _key.Dispose();
        _retiredKeys.ForEach(k => k.Dispose());
    }

    private JsonObject Discovery() => new()
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = Issuer + "/jwks",
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["response_types_supported"] = new JsonArray("code"),
        ["grant_types_supported"] = new JsonArray("authorization_code"),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("none"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
    };

    private JsonObject Jwks()
    {
        var parameters = _key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncode(parameters.Modulus!),
                ["e"] = Base64UrlEncode(parameters.Exponent!),
            }),
        };
    }

    // Approves at once: redirects to the client's redirect_uri with a code bound to the PKCE challenge, scope and resource.
    private Task Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
        {
            context.Response.StatusCode = 400;
            return Task.CompletedTask;
        }

        var code = Guid.NewGuid().ToString("N");
        RequestedScopes.Enqueue(query["scope"].ToString());
        _codes[code] = (query["code_challenge"]!, query["scope"].ToString(), query["resource"].ToString(), query["redirect_uri"]!);
        var redirect = $"{query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(query["state"].ToString())}&iss={Uri.EscapeDataString(Issuer)}";
        context.Response.Redirect(redirect);
        return Task.CompletedTask;
    }

    private async Task IssueAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant)
            || form["redirect_uri"] != grant.RedirectUri
            || Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
        {
            context.Response.StatusCode = 400;
            await Json(context, new JsonObject { ["error"] = "invalid_grant" });
            return;
        }

        var resource = form["resource"].ToString() is { Length: > 0 } r ? r : grant.Resource;
        await Json(context, new JsonObject
        {
            ["access_token"] = Token(resource, SignedInSubject, grant.Scope),
            ["token_type"] = "Bearer",
            ["expires_in"] = 600,
            ["scope"] = grant.Scope,
        });
    }

    private static Task Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static string Base64Url(string text) => Base64UrlEncode(Encoding.UTF8.GetBytes(text));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
