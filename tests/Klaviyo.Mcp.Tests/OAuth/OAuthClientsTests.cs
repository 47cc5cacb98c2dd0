using System.Collections.Concurrent;
using Klaviyo.Mcp.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.Tests;

/// <summary>Client registration (RFC 7591) and Client ID Metadata Documents, fetched from a loopback server the test starts.</summary>
public sealed class OAuthClientsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _fetched = new();
    private WebApplication? _documents;
    private string _base = "";

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _documents = builder.Build();
        _documents.MapGet("/{name}.json", (RequestDelegate)(context =>
        {
            var name = (string)context.Request.RouteValues["name"]!;
            _fetched.Enqueue(name);
            var self = $"{_base}/{name}.json";
            if (name == "moved")
            {
                context.Response.Redirect($"{_base}/good.json");
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(name switch
            {
                "good" => $$"""{"client_id":"{{self}}","client_name":"Good client","redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none","logo_uri":"https://example.test/logo.png"}""",
                "impostor" => $$"""{"client_id":"{{_base}}/good.json","redirect_uris":["http://127.0.0.1/callback"]}""",
                "bad-redirect" => $$"""{"client_id":"{{self}}","redirect_uris":["http://evil.example.test/callback"]}""",
                "huge" => $$"""{"client_id":"{{self}}","redirect_uris":["http://127.0.0.1/callback"],"padding":"{{new string('x', OAuthClients.MaxDocumentBytes)}}"}""",
                _ => "not json",
            });
        }));
        await _documents.StartAsync(TestContext.Current.CancellationToken);
        _base = _documents.Urls.Single().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        await _documents!.StopAsync(CancellationToken.None);
        await _documents.DisposeAsync();
    }

    [Fact]
    public async Task A_registered_public_client_is_found_with_its_redirect_uris()
    {
        using var clients = new OAuthClients(allowLoopbackClients: false, new InMemoryOAuthStore(TimeProvider.System));

        var (client, error, _) = await clients.RegisterAsync(new ClientMetadataDocument { ClientName = "Claude", RedirectUris = ["https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1/callback"] }, TestContext.Current.CancellationToken);

        Assert.Null(error);
        var (found, refusal) = await clients.FindAsync(client!.ClientId, TestContext.Current.CancellationToken);
        Assert.Null(refusal);
        Assert.True(found!.Allows("https://claude.ai/api/mcp/auth_callback"));
        Assert.True(found.Allows("http://127.0.0.1:40123/callback"));
        Assert.False(found.Allows("https://claude.ai/api/mcp/other"));
        Assert.NotEqual(client.ClientId, (await clients.RegisterAsync(new ClientMetadataDocument { RedirectUris = ["https://a.example.test/cb"] }, TestContext.Current.CancellationToken)).Client!.ClientId);
    }

    [Theory]
    [InlineData(null, null, "invalid_redirect_uri")]
    [InlineData("http://app.example.test/cb", null, "invalid_redirect_uri")]
    [InlineData("https://app.example.test/cb", "private_key_jwt", "invalid_client_metadata")]
    public async Task A_registration_with_unusable_metadata_is_refused(string? redirect, string? authMethod, string expected)
    {
        using var clients = new OAuthClients(false, new InMemoryOAuthStore(TimeProvider.System));
        var (client, error, description) = await clients.RegisterAsync(
            new ClientMetadataDocument
            {
                RedirectUris = redirect is null ? null : [redirect],
                TokenEndpointAuthMethod = authMethod,
            },
            TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.Equal(expected, error);
        Assert.False(string.IsNullOrEmpty(description));
    }

    [Fact]
    public async Task A_metadata_document_naming_its_own_url_describes_the_client()
    {
        using var clients = new OAuthClients(allowLoopbackClients: true, new InMemoryOAuthStore(TimeProvider.System));
        var (client, refusal) = await clients.FindAsync(_base + "/good.json", TestContext.Current.CancellationToken);

        Assert.Null(refusal);
        Assert.Equal("Good client", client!.ClientName);
        Assert.True(client.Allows("http://127.0.0.1:5555/callback"));
    }

    [Theory]
    [InlineData("impostor", "client_id is not its own URL")]
    [InlineData("bad-redirect", "must be https")]
    [InlineData("huge", "over 16384 bytes")]
    [InlineData("broken", "could not be read")]
    [InlineData("moved", "answered 302")]
    public async Task A_document_that_is_not_its_own_has_bad_redirects_is_too_big_unreadable_or_moved_is_refused(string name, string reason)
    {
        using var clients = new OAuthClients(allowLoopbackClients: true, new InMemoryOAuthStore(TimeProvider.System));
        var (client, refusal) = await clients.FindAsync($"{_base}/{name}.json", TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{base}/good.json")]
    [InlineData("https://example.test")]
    [InlineData("ftp://example.test/client.json")]
    [InlineData("unregistered-id")]
    public async Task A_loopback_document_without_the_operators_leave_or_an_unknown_id_is_refused_without_fetching(string clientId)
    {
        using var clients = new OAuthClients(allowLoopbackClients: false, new InMemoryOAuthStore(TimeProvider.System));
        var (client, refusal) = await clients.FindAsync(clientId.Replace("{base}", _base, StringComparison.Ordinal), TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.NotNull(refusal);
        Assert.Empty(_fetched);
    }

    [Theory]
    [InlineData("https://127.0.0.1:{v4}/client.json", "resolves to a loopback address")]
    [InlineData("https://[::1]:{v6}/client.json", "resolves to a loopback address")]
    [InlineData("https://localhost:{v4}/client.json", "resolves to a loopback address")]
    [InlineData("https://10.0.0.1/client.json", "resolves to a private address")]
    [InlineData("https://169.254.169.254/latest/meta-data", "resolves to a link-local address")]
    [InlineData("https://100.64.0.1/client.json", "resolves to a carrier-grade NAT address")]
    public async Task A_document_on_a_non_public_address_is_refused_without_connecting(string clientId, string reason)
    {
        using var v4 = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        using var v6 = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Loopback, 0);
        v4.Start();
        v6.Start();
        using var clients = new OAuthClients(allowLoopbackClients: false, new InMemoryOAuthStore(TimeProvider.System));
        var url = clientId
            .Replace("{v4}", ((System.Net.IPEndPoint)v4.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{v6}", ((System.Net.IPEndPoint)v6.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var (client, refusal) = await clients.FindAsync(url, TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
        Assert.Contains("which this server does not fetch from", refusal, StringComparison.Ordinal);
        Assert.False(v4.Pending(), "the loopback listener saw a connection");
        Assert.False(v6.Pending(), "the IPv6 loopback listener saw a connection");
    }

    [Theory]
    [InlineData("127.0.0.1", false, "a loopback address")]
    [InlineData("127.0.0.1", true, null)]
    [InlineData("::1", true, null)]
    [InlineData("10.1.2.3", true, "a private address")]
    [InlineData("172.16.0.1", true, "a private address")]
    [InlineData("172.31.255.255", true, "a private address")]
    [InlineData("192.168.1.1", true, "a private address")]
    [InlineData("fd12::1", true, "a private address")]
    [InlineData("fe80::1", true, "a link-local address")]
    [InlineData("169.254.169.254", true, "a link-local address")]
    [InlineData("100.127.0.1", true, "a carrier-grade NAT address")]
    [InlineData("0.0.0.0", true, "an unspecified address")]
    [InlineData("::", true, "an unspecified address")]
    [InlineData("224.0.0.1", true, "a multicast address")]
    [InlineData("ff02::1", true, "a multicast address")]
    [InlineData("::ffff:10.0.0.1", true, "a private address")]
    [InlineData("::ffff:127.0.0.1", false, "a loopback address")]
    [InlineData("64:ff9b::a9fe:a9fe", true, "a link-local address")]
    [InlineData("64:ff9b::7f00:1", false, "a loopback address")]
    [InlineData("64:ff9b::5db8:d70e", false, null)]
    [InlineData("240.0.0.1", true, "a reserved address")]
    [InlineData("192.0.0.8", true, "a reserved address")]
    [InlineData("198.19.1.1", true, "a benchmarking address")]
    [InlineData("::10.0.0.1", true, "a private address")]
    [InlineData("2002:a9fe:a9fe::1", true, "a link-local address")]
    [InlineData("2002:5db8:d70e::1", false, null)]
    [InlineData("64:ff9b:1::1", true, "a local-use NAT64 address")]
    [InlineData("100::1", true, "a discard-only address")]
    [InlineData("198.20.0.1", false, null)]
    [InlineData("172.32.0.1", false, null)]
    [InlineData("100.128.0.1", false, null)]
    [InlineData("93.184.215.14", false, null)]
    [InlineData("2606:4700:4700::1111", false, null)]
    public void Only_public_addresses_are_fetched_from_and_loopback_only_with_the_operators_leave(string address, bool allowLoopback, string? expected) =>
        Assert.Equal(expected, new PublicAddressConnector(allowLoopback).Refusal(System.Net.IPAddress.Parse(address)));
}
