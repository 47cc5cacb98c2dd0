using Klaviyo.Mcp.Http;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// <c>KLAVIYO_HTTP_AUTH=klaviyo</c>: the company's Klaviyo OAuth app that serve signs people in through, Klaviyo's
/// endpoints, and the lifetimes of the server's own tokens. A class, not a record, so that no generated
/// <c>ToString</c> prints the client secret.
/// </summary>
public sealed class KlaviyoOAuthSettings
{
    public const string ClientIdVariable = "KLAVIYO_OAUTH_CLIENT_ID";
    public const string ClientSecretVariable = "KLAVIYO_OAUTH_CLIENT_SECRET";
    public const string AuthorizeUrlVariable = "KLAVIYO_OAUTH_AUTHORIZE_URL";
    public const string TokenUrlVariable = "KLAVIYO_OAUTH_TOKEN_URL";
    public const string RevokeUrlVariable = "KLAVIYO_OAUTH_REVOKE_URL";
    public const string AllowLoopbackClientsVariable = "KLAVIYO_OAUTH_ALLOW_LOOPBACK_CLIENTS";
    public const string AccessTokenLifetimeVariable = "KLAVIYO_OAUTH_ACCESS_TOKEN_LIFETIME";

    public static readonly Uri DefaultAuthorizeUrl = new("https://www.klaviyo.com/oauth/authorize");
    public static readonly Uri DefaultTokenUrl = new("https://a.klaviyo.com/oauth/token");
    public static readonly Uri DefaultRevokeUrl = new("https://a.klaviyo.com/oauth/revoke");

    /// <summary>The server's own access tokens live this long unless <see cref="AccessTokenLifetimeVariable"/> says otherwise: one hour.</summary>
    public static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromHours(1);

    private KlaviyoOAuthSettings(string clientId, string clientSecret, Uri publicUrl)
    {
        ClientId = clientId;
        ClientSecret = clientSecret;
        PublicUrl = publicUrl;
    }

    public string ClientId { get; }

    internal string ClientSecret { get; }

    /// <summary>The server's public base URL: the issuer, and the origin of every endpoint below.</summary>
    public Uri PublicUrl { get; }

    public Uri AuthorizeUrl { get; private init; } = DefaultAuthorizeUrl;

    public Uri TokenUrl { get; private init; } = DefaultTokenUrl;

    public Uri RevokeUrl { get; private init; } = DefaultRevokeUrl;

    /// <summary>Whether http loopback client id metadata documents may be fetched (tests only).</summary>
    public bool AllowLoopbackClients { get; private init; }

    public TimeSpan AccessTokenLifetime { get; private init; } = DefaultAccessTokenLifetime;

    /// <summary>The issuer: the public URL without a trailing slash.</summary>
    public string Issuer => PublicUrl.AbsoluteUri.TrimEnd('/');

    /// <summary>Where Klaviyo sends the person back: <c>&lt;public&gt;/oauth/callback</c> (the Klaviyo app's redirect URI).</summary>
    public string CallbackUrl => Issuer + "/oauth/callback";

    /// <summary>
    /// Reads the variables; every one that is missing is named in one problem, every unusable one in its own; the
    /// secret is never part of a problem.
    /// </summary>
    public static KlaviyoOAuthSettings? Read(IConfiguration configuration, Uri? publicUrl, List<string> problems)
    {
        var clientId = ServerSettings.NonEmpty(configuration[ClientIdVariable]);
        var clientSecret = ServerSettings.NonEmpty(configuration[ClientSecretVariable]);
        var missing = new List<string>();
        if (clientId is null)
        {
            missing.Add($"{ClientIdVariable} (your Klaviyo OAuth app's client id)");
        }

        if (clientSecret is null)
        {
            missing.Add($"{ClientSecretVariable} (its client secret)");
        }

        if (publicUrl is null && ServerSettings.NonEmpty(configuration[HttpServeSettings.PublicUrlVariable]) is null)
        {
            missing.Add($"{HttpServeSettings.PublicUrlVariable} (the server's public URL: Klaviyo returns to <public URL>/oauth/callback)");
        }

        if (missing.Count > 0)
        {
            problems.Add($"{HttpServeSettings.AuthVariable}=klaviyo needs " + string.Join(", ", missing));
        }

        var authorize = ReadUrl(configuration, AuthorizeUrlVariable, DefaultAuthorizeUrl, problems);
        var token = ReadUrl(configuration, TokenUrlVariable, DefaultTokenUrl, problems);
        var revoke = ReadUrl(configuration, RevokeUrlVariable, DefaultRevokeUrl, problems);
        var lifetime = ServerSettings.ReadNumber(configuration, AccessTokenLifetimeVariable, 60, 86_400, problems);
        var loopback = ServerSettings.ReadFlag(configuration, AllowLoopbackClientsVariable, problems);
        if (clientId is null || clientSecret is null || publicUrl is null)
        {
            return null;
        }

        return new KlaviyoOAuthSettings(clientId, clientSecret, publicUrl)
        {
            AuthorizeUrl = authorize,
            TokenUrl = token,
            RevokeUrl = revoke,
            AccessTokenLifetime = lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultAccessTokenLifetime,
            AllowLoopbackClients = loopback,
        };
    }

    /// <summary>
    /// The HMAC key of confirmation tokens for people signed in to the Klaviyo account <paramref name="account"/> (the
    /// fingerprint of its id): HKDF-SHA256 of the client secret, which every replica shares, with this purpose as salt
    /// and the account as info. Every replica checks a token alike; a token for one account proves nothing for another.
    /// </summary>
    internal byte[] ConfirmationKey(string account) =>
        System.Security.Cryptography.HKDF.DeriveKey(
            System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Text.Encoding.UTF8.GetBytes(ClientSecret),
            32,
            "klaviyo-mcp oauth: confirmation tokens v1"u8.ToArray(),
            System.Text.Encoding.UTF8.GetBytes(ClientId + "\n" + account));

    public override string ToString() => $"Klaviyo OAuth app {ClientId}";

    private static Uri ReadUrl(IConfiguration configuration, string variable, Uri fallback, List<string> problems)
    {
        if (ServerSettings.NonEmpty(configuration[variable]) is not { } text)
        {
            return fallback;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            return url;
        }

        problems.Add($"{variable}: \"{text}\" must be an https URL (http only on a loopback address, for tests)");
        return fallback;
    }
}
