using System.Text.Json;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.OAuth;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>KLAVIYO_HTTP_AUTH=klaviyo</c>'s settings (every missing variable named at once, no secret printed) and its RFC 8414 metadata.</summary>
public sealed class KlaviyoOAuthSettingsTests
{
    private const string Secret = "kl-oauth-secret-7f6e5d4c3b2a";

    [Fact]
    public void Every_missing_variable_is_named_in_one_problem_and_another_authentication_mode_beside_it_is_refused()
    {
        var failure = Assert.Throws<ServerConfigurationException>(() => ReadServe(new() { [HttpServeSettings.AuthVariable] = "klaviyo" }));

        var missing = Assert.Single(failure.Problems, p => p.Contains("needs", StringComparison.Ordinal));
        Assert.Contains(KlaviyoOAuthSettings.ClientIdVariable, missing, StringComparison.Ordinal);
        Assert.Contains(KlaviyoOAuthSettings.ClientSecretVariable, missing, StringComparison.Ordinal);
        Assert.Contains(HttpServeSettings.PublicUrlVariable, missing, StringComparison.Ordinal);
        Assert.DoesNotContain(failure.Problems, p => p.Contains("not available", StringComparison.Ordinal));

        var both = Assert.Throws<ServerConfigurationException>(() => ReadServe(new()
        {
            [HttpServeSettings.AuthVariable] = "klaviyo",
            [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
            [KlaviyoOAuthSettings.ClientSecretVariable] = Secret,
            [HttpServeSettings.PublicUrlVariable] = "https://mcp.example.test",
            [HttpServeSettings.AcceptKlaviyoKeysVariable] = "true",
        }));
        Assert.Contains(HttpServeSettings.AcceptKlaviyoKeysVariable, Assert.Single(both.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_settings_read_with_Klaviyos_defaults_and_a_bad_url_is_named_without_the_secret()
    {
        var problems = new List<string>();
        var settings = Read(new()
        {
            [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
            [KlaviyoOAuthSettings.ClientSecretVariable] = Secret,
            [KlaviyoOAuthSettings.AccessTokenLifetimeVariable] = "900",
        }, problems)!;

        Assert.Empty(problems);
        Assert.Equal("https://mcp.example.test/oauth/callback", settings.CallbackUrl);
        Assert.Equal(KlaviyoOAuthSettings.DefaultTokenUrl, settings.TokenUrl);
        Assert.Equal(TimeSpan.FromSeconds(900), settings.AccessTokenLifetime);
        Assert.False(settings.AllowLoopbackClients);
        Assert.DoesNotContain(Secret, settings.ToString(), StringComparison.Ordinal);

        Read(new()
        {
            [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
            [KlaviyoOAuthSettings.ClientSecretVariable] = Secret,
            [KlaviyoOAuthSettings.TokenUrlVariable] = "http://token.example.test/oauth/token",
        }, problems);
        var problem = Assert.Single(problems);
        Assert.StartsWith(KlaviyoOAuthSettings.TokenUrlVariable, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://mcp.example.test", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://mcp.example.test", false)]
    [InlineData("http://10.0.0.5:8080", false)]
    public void Sign_in_with_Klaviyo_refuses_an_http_public_url_unless_it_is_loopback_and_says_why(string publicUrl, bool accepted)
    {
        Dictionary<string, string?> variables = new()
        {
            [HttpServeSettings.AuthVariable] = "klaviyo",
            [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
            [KlaviyoOAuthSettings.ClientSecretVariable] = Secret,
            [HttpServeSettings.PublicUrlVariable] = publicUrl,
        };
        if (accepted)
        {
            Assert.Equal(publicUrl, ReadServe(variables).PublicUrl!.GetLeftPart(UriPartial.Authority));
            return;
        }

        var problem = Assert.Single(Assert.Throws<ServerConfigurationException>(() => ReadServe(variables)).Problems);
        Assert.StartsWith(HttpServeSettings.PublicUrlVariable, problem, StringComparison.Ordinal);
        Assert.Contains("must be https", problem, StringComparison.Ordinal);
        Assert.Contains("__Host-", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, problem, StringComparison.Ordinal);

        // The other modes keep accepting an http public URL (behind a TLS-terminating proxy, say).
        variables[HttpServeSettings.AuthVariable] = null;
        variables[HttpServeSettings.AcceptKlaviyoKeysVariable] = "true";
        Assert.NotNull(ReadServe(variables).PublicUrl);
    }

    [Fact]
    public void The_authorization_server_metadata_has_what_MCP_clients_look_for()
    {
        var json = JsonSerializer.SerializeToElement(AuthorizationServerMetadata.For("https://mcp.example.test"), OAuthJsonContext.Default.AuthorizationServerMetadata);

        Assert.Equal("https://mcp.example.test", json.GetProperty("issuer").GetString());
        foreach (var (field, path) in new[] { ("authorization_endpoint", "/oauth/authorize"), ("token_endpoint", "/oauth/token"), ("registration_endpoint", "/oauth/register"), ("revocation_endpoint", "/oauth/revoke") })
        {
            Assert.Equal("https://mcp.example.test" + path, json.GetProperty(field).GetString());
        }

        Assert.Equal(["code"], Strings(json, "response_types_supported"));
        Assert.Equal(["authorization_code", "refresh_token"], Strings(json, "grant_types_supported"));
        Assert.Equal(["S256"], Strings(json, "code_challenge_methods_supported"));
        Assert.Contains("none", Strings(json, "token_endpoint_auth_methods_supported"));
        Assert.True(json.GetProperty("client_id_metadata_document_supported").GetBoolean());
    }

    private static string[] Strings(JsonElement json, string field) => [.. json.GetProperty(field).EnumerateArray().Select(e => e.GetString() ?? "")];

    private static KlaviyoOAuthSettings? Read(Dictionary<string, string?> variables, List<string> problems) =>
        KlaviyoOAuthSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(variables).Build(), new Uri("https://mcp.example.test"), problems);

    private static HttpServeSettings ReadServe(Dictionary<string, string?> variables)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(variables).Build();
        return HttpServeSettings.Read(configuration, ServerSettings.Read(configuration));
    }
}
