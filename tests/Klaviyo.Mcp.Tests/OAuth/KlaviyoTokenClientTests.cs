using System.Collections.Concurrent;
using System.Text;
using Klaviyo.Mcp.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>The server as Klaviyo's OAuth client, against a stub of Klaviyo's token and revoke endpoints on loopback.</summary>
public sealed class KlaviyoTokenClientTests : IAsyncLifetime
{
    private const string Secret = "kl-secret-0a9b8c7d";

    private readonly ConcurrentQueue<(string Path, string Authorization, Dictionary<string, string> Form)> _requests = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private WebApplication? _klaviyo;
    private KlaviyoOAuthSettings? _settings;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _klaviyo = builder.Build();
        _klaviyo.MapPost("/oauth/token", (RequestDelegate)(async context =>
        {
            var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            _requests.Enqueue(("/oauth/token", context.Request.Headers.Authorization.ToString(), form));
            context.Response.ContentType = "application/json";
            (int Status, string Body) answer = (form.GetValueOrDefault("code") ?? form.GetValueOrDefault("refresh_token")) switch
            {
                "good-code" => (200, """{"access_token":"kl-access-1","token_type":"Bearer","expires_in":3600,"refresh_token":"kl-refresh-1","scope":"accounts:read lists:read"}"""),
                "kl-refresh-1" => (200, """{"access_token":"kl-access-2","token_type":"Bearer","expires_in":3600,"scope":"accounts:read lists:read"}"""),
                "kl-refresh-revoked" => (400, """{"error":"invalid_grant"}"""),
                _ => (500, """{"error":"server_error"}"""),
            };
            context.Response.StatusCode = answer.Status;
            await context.Response.WriteAsync(answer.Body);
        }));
        _klaviyo.MapPost("/oauth/revoke", (RequestDelegate)(async context =>
        {
            var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            _requests.Enqueue(("/oauth/revoke", context.Request.Headers.Authorization.ToString(), form));
            context.Response.StatusCode = 503;
        }));
        await _klaviyo.StartAsync(TestContext.Current.CancellationToken);
        var url = _klaviyo.Urls.Single().TrimEnd('/');
        _settings = KlaviyoOAuthSettings.Read(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
                [KlaviyoOAuthSettings.ClientSecretVariable] = Secret,
                [KlaviyoOAuthSettings.TokenUrlVariable] = url + "/oauth/token",
                [KlaviyoOAuthSettings.RevokeUrlVariable] = url + "/oauth/revoke",
            }).Build(),
            new Uri("https://mcp.example.test"),
            [])!;
    }

    public async ValueTask DisposeAsync()
    {
        await _klaviyo!.StopAsync(CancellationToken.None);
        await _klaviyo.DisposeAsync();
    }

    [Fact]
    public async Task A_code_is_exchanged_with_the_apps_basic_credentials_the_verifier_and_the_callback()
    {
        using var http = new HttpClient();
        var tokens = await new KlaviyoTokenClient(http, _settings!, _time).ExchangeAsync("good-code", "verifier-1", TestContext.Current.CancellationToken);

        Assert.Equal("kl-access-1", tokens.AccessToken);
        Assert.Equal("kl-refresh-1", tokens.RefreshToken);
        Assert.Equal(_time.GetUtcNow().AddHours(1), tokens.Expires);
        Assert.DoesNotContain("kl-", tokens.ToString(), StringComparison.Ordinal);
        var (path, authorization, form) = Assert.Single(_requests);
        Assert.Equal("/oauth/token", path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("app-1:" + Secret)), authorization);
        Assert.Equal("authorization_code", form["grant_type"]);
        Assert.Equal("verifier-1", form["code_verifier"]);
        Assert.Equal("https://mcp.example.test/oauth/callback", form["redirect_uri"]);
    }

    [Fact]
    public async Task A_refresh_keeps_the_refresh_token_Klaviyo_does_not_replace_and_invalid_grant_means_revoked()
    {
        using var http = new HttpClient();
        var client = new KlaviyoTokenClient(http, _settings!, _time);

        var renewed = await client.RefreshAsync("kl-refresh-1", TestContext.Current.CancellationToken);
        Assert.Equal("kl-access-2", renewed.AccessToken);
        Assert.Equal("kl-refresh-1", renewed.RefreshToken);

        await Assert.ThrowsAsync<KlaviyoGrantRevokedException>(() => client.RefreshAsync("kl-refresh-revoked", TestContext.Current.CancellationToken));
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.RefreshAsync("kl-refresh-other", TestContext.Current.CancellationToken));
        Assert.DoesNotContain("kl-refresh-other", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_is_best_effort()
    {
        using var http = new HttpClient();
        Assert.False(await new KlaviyoTokenClient(http, _settings!, _time).RevokeAsync("kl-refresh-1", TestContext.Current.CancellationToken));

        var (path, _, form) = Assert.Single(_requests);
        Assert.Equal("/oauth/revoke", path);
        Assert.Equal("kl-refresh-1", form["token"]);
    }
}
