using System.Web;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.OAuth;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Tests;

/// <summary>The sign-in request to Klaviyo: the server's own client, callback, state and PKCE, and the scopes its toolsets need.</summary>
public sealed class KlaviyoAuthorizationRequestTests
{
    [Fact]
    public void The_url_carries_the_servers_client_callback_state_PKCE_and_scopes()
    {
        var settings = KlaviyoOAuthSettings.Read(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
                [KlaviyoOAuthSettings.ClientSecretVariable] = "secret-1",
            }).Build(),
            new Uri("https://mcp.example.test"),
            [])!;
        var challenge = Pkce.Challenge(Pkce.NewVerifier());

        var url = KlaviyoAuthorizationRequest.Url(settings, "state-1", challenge, "accounts:read lists:read");

        Assert.Equal("https://www.klaviyo.com/oauth/authorize", url.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("app-1", query["client_id"]);
        Assert.Equal("https://mcp.example.test/oauth/callback", query["redirect_uri"]);
        Assert.Equal("accounts:read lists:read", query["scope"]);
        Assert.Equal("state-1", query["state"]);
        Assert.Equal(challenge, query["code_challenge"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.DoesNotContain("secret-1", url.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Scopes_always_read_the_account_follow_the_toolsets_and_have_no_write_when_read_only()
    {
        var all = KlaviyoScopes.For(AccessRestrictions.None).Split(' ');
        Assert.Contains("accounts:read", all);
        Assert.Contains("campaigns:write", all);
        Assert.Contains("events:write", all);

        var readOnly = KlaviyoScopes.For(new AccessRestrictions(ReadOnly: true)).Split(' ');
        Assert.Contains("accounts:read", readOnly);
        Assert.Contains("campaigns:read", readOnly);
        Assert.DoesNotContain(readOnly, s => s.EndsWith(":write", StringComparison.Ordinal));

        var lists = KlaviyoScopes.For(AccessRestrictions.From(false, false, "lists", null, [])).Split(' ');
        Assert.Contains("accounts:read", lists);
        Assert.Contains("lists:write", lists);
        Assert.DoesNotContain("campaigns:read", lists);
    }
}
