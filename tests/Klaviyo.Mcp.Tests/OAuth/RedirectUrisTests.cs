using Klaviyo.Mcp.OAuth;

namespace Klaviyo.Mcp.Tests;

/// <summary>Which redirect URIs a client may register and how a requested one must match.</summary>
public sealed class RedirectUrisTests
{
    [Theory]
    [InlineData("https://claude.ai/api/mcp/auth_callback")]
    [InlineData("http://127.0.0.1:33418/callback")]
    [InlineData("http://localhost/callback")]
    [InlineData("http://[::1]:8080/cb")]
    public void Https_and_loopback_http_may_be_registered(string uri) => Assert.Null(RedirectUris.Refusal(uri));

    [Theory]
    [InlineData("http://app.example.com/callback", "must be https")]
    [InlineData("javascript:alert(1)", "must be https")]
    [InlineData("https://app.example.com/callback#x", "fragment")]
    [InlineData("https://user:pw@app.example.com/callback", "user information")]
    [InlineData("file:///callback", "must be https")]
    [InlineData("callback", "not an absolute URI")]
    [InlineData(null, "not an absolute URI")]
    public void Anything_else_is_refused_with_the_reason(string? uri, string reason) => Assert.Contains(reason, RedirectUris.Refusal(uri), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://app.example.com/cb", "https://app.example.com/cb", true)]
    [InlineData("https://app.example.com/cb", "https://app.example.com/cb/", false)]
    [InlineData("https://app.example.com/cb", "https://app.example.com:8443/cb", false)]
    [InlineData("https://app.example.com/cb", "https://evil.example.com/cb", false)]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:51234/callback", true)]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:51234/other", false)]
    [InlineData("http://127.0.0.1/callback", "http://localhost:51234/callback", false)]
    public void A_requested_redirect_matches_exactly_or_by_any_loopback_port(string registered, string requested, bool matches) =>
        Assert.Equal(matches, RedirectUris.Matches(registered, requested));
}
