using Klaviyo.Mcp.Http;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Tests;

/// <summary><c>KLAVIYO_HTTP_AUTH</c> at start: unknown modes, what OIDC mode needs (all named at once, no secret printed), and the policy file's principals.</summary>
public sealed class OidcSettingsTests : IDisposable
{
    private const string Key = "pk_test_acme_0123456789abcdef0123456789";

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void An_unknown_mode_names_the_modes()
    {
        var failure = Assert.Throws<ServerConfigurationException>(() => Read(new() { [HttpServeSettings.AuthVariable] = "saml" }));

        var problem = Assert.Single(failure.Problems);
        Assert.Contains("saml", problem, StringComparison.Ordinal);
        Assert.Contains("klaviyo", problem, StringComparison.Ordinal);
        Assert.Contains("oidc", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_mode_names_every_missing_variable_in_one_message()
    {
        var failure = Assert.Throws<ServerConfigurationException>(() => Read(new() { [HttpServeSettings.AuthVariable] = "oidc" }));

        var problem = Assert.Single(failure.Problems);
        Assert.Contains(HttpServeSettings.OidcIssuerVariable, problem, StringComparison.Ordinal);
        Assert.Contains(HttpServeSettings.PublicUrlVariable, problem, StringComparison.Ordinal);
        Assert.Contains(HttpServeSettings.TokensFileVariable, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_mode_reads_the_issuer_audience_scopes_and_principals()
    {
        var settings = Read(Oidc("""{ "name": "team", "group": "marketing", "account": "acme", "read_only": true }"""));

        Assert.Equal("https://idp.example.test/realms/marketing", settings.Oidc!.Issuer);
        Assert.Equal(["https://mcp.example.test/mcp"], settings.Oidc.Audiences);
        Assert.Equal(("klaviyo.read", "klaviyo.write"), (settings.Oidc.ReadScope, settings.Oidc.WriteScope));
        var principal = Assert.Single(settings.Tokens!.Principals);
        Assert.Equal("marketing", principal.Group);
        Assert.True(principal.Restrictions.ReadOnly);
        Assert.DoesNotContain(Key, principal.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_mode_refuses_a_plain_http_issuer_elsewhere_than_loopback_keys_beside_it_and_tokens_in_the_file()
    {
        var variables = Oidc("""{ "name": "team", "group": "marketing", "account": "acme" }""", tokens: true);
        variables[HttpServeSettings.OidcIssuerVariable] = "http://idp.example.test";
        variables[HttpServeSettings.AcceptKlaviyoKeysVariable] = "true";

        var failure = Assert.Throws<ServerConfigurationException>(() => Read(variables));

        Assert.Contains(failure.Problems, p => p.StartsWith(HttpServeSettings.OidcIssuerVariable, StringComparison.Ordinal) && p.Contains("https", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains(HttpServeSettings.AcceptKlaviyoKeysVariable, StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("lists tokens", StringComparison.Ordinal));
        Assert.DoesNotContain(Key, failure.Message, StringComparison.Ordinal);

        variables = Oidc("""{ "name": "team", "group": "marketing", "account": "acme" }""");
        variables[HttpServeSettings.OidcIssuerVariable] = "http://127.0.0.1:5000";
        Assert.True(Read(variables).Oidc!.IsLoopbackHttp);
    }

    [Theory]
    [InlineData("""{ "name": "a", "account": "acme" }""", "exactly one of subject")]
    [InlineData("""{ "name": "a", "subject": "s", "email": "e@example.com", "account": "acme" }""", "exactly one of subject")]
    [InlineData("""{ "name": "a", "subject": "s", "account": "initech" }""", "is not among the file's accounts")]
    [InlineData("""{ "name": "a", "subject": "s", "account": "acme", "toolsets": ["nope"] }""", "unknown toolset")]
    [InlineData("""{ "subject": "s", "account": "acme" }""", "has no name")]
    public void A_bad_principal_is_named(string principal, string problem)
    {
        var failure = Assert.Throws<ServerConfigurationException>(() => Read(Oidc(principal)));

        Assert.Contains(failure.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Principals_without_oidc_mode_are_refused()
    {
        var variables = Oidc("""{ "name": "team", "group": "marketing", "account": "acme" }""", tokens: true);
        variables.Remove(HttpServeSettings.AuthVariable);

        var failure = Assert.Throws<ServerConfigurationException>(() => Read(variables));

        Assert.Contains(failure.Problems, p => p.Contains("lists principals, which only KLAVIYO_HTTP_AUTH=oidc uses", StringComparison.Ordinal));
    }

    private Dictionary<string, string?> Oidc(string principal, bool tokens = false) => new()
    {
        [HttpServeSettings.AuthVariable] = "oidc",
        [HttpServeSettings.OidcIssuerVariable] = "https://idp.example.test/realms/marketing",
        [HttpServeSettings.PublicUrlVariable] = "https://mcp.example.test/",
        ["ACME_KEY"] = Key,
        [HttpServeSettings.TokensFileVariable] = _folder.Write("policy.json", $$"""
            {
              "accounts": { "acme": { "api_key_env": "ACME_KEY" } },
              {{(tokens ? $"\"tokens\": [{{ \"name\": \"t\", \"sha256\": \"{HttpHarness.Sha256("t")}\", \"account\": \"acme\" }}]," : "")}}
              "principals": [ {{principal}} ]
            }
            """),
    };

    private static HttpServeSettings Read(Dictionary<string, string?> variables)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(variables).Build();
        return HttpServeSettings.Read(configuration, ServerSettings.Read(configuration));
    }
}
