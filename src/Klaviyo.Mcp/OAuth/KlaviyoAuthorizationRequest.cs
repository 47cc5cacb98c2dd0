namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// Where the server sends a person to sign in at Klaviyo: Klaviyo's authorize URL with the server's own client id,
/// its callback, its own <c>state</c> and PKCE S256 challenge (never the MCP client's), and the scopes of
/// <see cref="KlaviyoScopes"/>.
/// </summary>
public static class KlaviyoAuthorizationRequest
{
    public static Uri Url(KlaviyoOAuthSettings settings, string state, string codeChallenge, string scopes)
    {
        var query = string.Join('&', new[]
        {
            ("response_type", "code"),
            ("client_id", settings.ClientId),
            ("redirect_uri", settings.CallbackUrl),
            ("scope", scopes),
            ("state", state),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", Pkce.Method),
        }.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
        var builder = new UriBuilder(settings.AuthorizeUrl);
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + query : query;
        return builder.Uri;
    }
}
