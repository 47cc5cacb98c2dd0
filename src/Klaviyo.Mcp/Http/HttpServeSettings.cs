using System.Net;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// What <c>klaviyo-mcp serve</c> reads on top of <see cref="ServerSettings"/>: where to listen, how callers
/// authenticate (team tokens, their own Klaviyo keys, or with <c>KLAVIYO_HTTP_AUTH=oidc</c> an identity provider's
/// access tokens: exactly one), the limits, and the Redis that replicas share
/// rate limits through. docs/remote.md lists the same variables.
/// </summary>
public sealed record HttpServeSettings
{
    public const string PortVariable = "KLAVIYO_HTTP_PORT";
    public const string HostVariable = "KLAVIYO_HTTP_HOST";
    public const string TokensFileVariable = "KLAVIYO_HTTP_TOKENS_FILE";
    public const string AcceptKlaviyoKeysVariable = "KLAVIYO_HTTP_ACCEPT_KLAVIYO_KEYS";
    public const string AllowImportsVariable = "KLAVIYO_HTTP_ALLOW_IMPORTS";
    public const string PublicUrlVariable = "KLAVIYO_HTTP_PUBLIC_URL";
    public const string AllowedOriginsVariable = "KLAVIYO_HTTP_ALLOWED_ORIGINS";
    public const string MaxConcurrentCallsVariable = "KLAVIYO_HTTP_MAX_CONCURRENT_CALLS";
    public const string RedisVariable = "KLAVIYO_REDIS";
    public const string AuthVariable = "KLAVIYO_HTTP_AUTH";
    public const string OidcIssuerVariable = "KLAVIYO_OIDC_ISSUER";
    public const string OidcAudiencesVariable = "KLAVIYO_OIDC_AUDIENCES";
    public const string OidcReadScopeVariable = "KLAVIYO_OIDC_READ_SCOPE";
    public const string OidcWriteScopeVariable = "KLAVIYO_OIDC_WRITE_SCOPE";

    /// <summary>The values <see cref="AuthVariable"/> takes (unset: team tokens or callers' own keys).</summary>
    public static readonly IReadOnlyList<string> AuthModes = ["klaviyo", "oidc"];

    /// <summary>The largest request body accepted (a JSON-RPC message): 16 MB.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024 * 1024;

    public int Port { get; init; } = 8080;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Team tokens mode: the tokens of <see cref="TokensFileVariable"/>; in OIDC mode, its principals.</summary>
    public TeamTokens? Tokens { get; init; }

    /// <summary><c>KLAVIYO_HTTP_AUTH=oidc</c>: the issuer whose JWT access tokens are accepted (and no other bearer); null in the other modes.</summary>
    public OidcSettings? Oidc { get; init; }

    /// <summary><c>KLAVIYO_HTTP_AUTH=klaviyo</c>: the Klaviyo OAuth app people sign in through (and no other bearer); null in the other modes.</summary>
    public Klaviyo.Mcp.OAuth.KlaviyoOAuthSettings? KlaviyoOAuth { get; init; }

    /// <summary>Bring-your-own-key mode: the bearer token is the caller's own Klaviyo private key.</summary>
    public bool AcceptKlaviyoKeys { get; init; }

    /// <summary>Whether the tools that use the server's disk (<see cref="Access.AccessPolicy.ServerFileTools"/>) are offered over HTTP.</summary>
    public bool AllowImports { get; init; }

    /// <summary>The address clients reach the server at (behind a load balancer), for the protected-resource metadata; null: taken from each request.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Web origins (scheme://host:port, as <see cref="OriginValidation.Normalize"/> writes them) allowed to call /mcp besides the public URL's and, on loopback, loopback ones.</summary>
    public IReadOnlySet<string> AllowedOrigins { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Tool calls one token (or one person's key) may have in flight on one replica.</summary>
    public int MaxConcurrentCalls { get; init; } = 16;

    /// <summary>A StackExchange.Redis connection string; null: rate limits are counted in process.</summary>
    public string? Redis { get; init; }

    /// <summary>Reads the variables; throws <see cref="ServerConfigurationException"/> listing every unusable one, including no authentication mode or two, an unknown <see cref="AuthVariable"/>, and every variable OIDC mode misses.</summary>
    public static HttpServeSettings Read(IConfiguration configuration, ServerSettings server)
    {
        var problems = new List<string>();
        var defaults = new HttpServeSettings();
        var host = ServerSettings.NonEmpty(configuration[HostVariable]) ?? defaults.Host;
        if (host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            problems.Add($"{HostVariable}: \"{host}\" must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::) or localhost");
        }

        var tokensFile = ServerSettings.NonEmpty(configuration[TokensFileVariable]);
        var mode = ServerSettings.NonEmpty(configuration[AuthVariable])?.ToLowerInvariant();
        if (mode is not null && !AuthModes.Contains(mode))
        {
            problems.Add($"{AuthVariable}: \"{configuration[AuthVariable]}\" is not an authentication mode; the modes are {string.Join(" and ", AuthModes)} (or leave it unset for team tokens or callers' own keys)");
        }

        var publicUrl = ReadPublicUrl(configuration[PublicUrlVariable], problems);
        var klaviyoOAuth = mode == "klaviyo" ? Klaviyo.Mcp.OAuth.KlaviyoOAuthSettings.Read(configuration, publicUrl, problems) : null;

        var settings = new HttpServeSettings
        {
            Port = ServerSettings.ReadNumber(configuration, PortVariable, 0, 65535, problems) is { } port ? (int)port : defaults.Port,
            Host = host,
            Tokens = tokensFile is null ? null : TeamTokens.Read(Path.GetFullPath(tokensFile), configuration, problems, principals: mode == "oidc"),
            Oidc = mode == "oidc" ? ReadOidc(configuration, publicUrl, tokensFile, problems) : null,
            AcceptKlaviyoKeys = ServerSettings.ReadFlag(configuration, AcceptKlaviyoKeysVariable, problems),
            AllowImports = ServerSettings.ReadFlag(configuration, AllowImportsVariable, problems),
            PublicUrl = publicUrl,
            AllowedOrigins = ReadOrigins(configuration[AllowedOriginsVariable], problems),
            MaxConcurrentCalls = ServerSettings.ReadNumber(configuration, MaxConcurrentCallsVariable, 1, 1000, problems) is { } calls ? (int)calls : defaults.MaxConcurrentCalls,
            Redis = ServerSettings.NonEmpty(configuration[RedisVariable]),
            KlaviyoOAuth = klaviyoOAuth,
        };

        if (mode == "oidc")
        {
            if (settings.AcceptKlaviyoKeys)
            {
                problems.Add($"{AuthVariable}=oidc and {AcceptKlaviyoKeysVariable}=true are two authentication modes: choose one");
            }
        }
        else if (mode == "klaviyo")
        {
            if (settings.AcceptKlaviyoKeys || tokensFile is not null)
            {
                problems.Add($"{AuthVariable}=klaviyo signs people in with their Klaviyo login: leave {TokensFileVariable} and {AcceptKlaviyoKeysVariable} unset");
            }

            // On http the sign-in cookies cannot carry the __Host- prefix: a sibling subdomain could plant a consent cookie.
            if (publicUrl is { } url && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            {
                problems.Add(
                    $"{PublicUrlVariable}: \"{url.GetLeftPart(UriPartial.Authority)}\" must be https with {AuthVariable}=klaviyo (plain http only on a loopback address: 127.0.0.1, ::1 or localhost, for tests): " +
                    "on http the sign-in cookies cannot be __Host- cookies, so another site on a sibling subdomain could plant one");
            }
        }
        else if (mode is not null)
        {
            // An unknown or unavailable mode is reported above; the other modes' checks would only add noise.
        }
        else if (tokensFile is null && !settings.AcceptKlaviyoKeys)
        {
            problems.Add(
                $"serve needs a way to authenticate callers: set {TokensFileVariable} to a tokens file (team tokens, each mapped to an account's key), " +
                $"or {AcceptKlaviyoKeysVariable}=true (each caller sends their own Klaviyo private key as the bearer token)");
        }
        else if (tokensFile is not null && settings.AcceptKlaviyoKeys)
        {
            problems.Add($"{TokensFileVariable} and {AcceptKlaviyoKeysVariable}=true are two authentication modes: choose one");
        }

        if (settings.AllowImports && server.ImportRoots.Count == 0)
        {
            problems.Add($"{AllowImportsVariable}=true needs {ServerSettings.ImportRootsVariable}: the folders on this server that imports may read");
        }

        if (problems.Count > 0)
        {
            throw new ServerConfigurationException(problems);
        }

        return settings;
    }

    /// <summary>
    /// OIDC mode needs the issuer, the public URL (the tokens' audience) and the tokens file (its principals say who may
    /// do what): one problem names every one of them that is missing.
    /// </summary>
    private static OidcSettings? ReadOidc(IConfiguration configuration, Uri? publicUrl, string? tokensFile, List<string> problems)
    {
        var issuer = ServerSettings.NonEmpty(configuration[OidcIssuerVariable]);
        var missing = new List<string>();
        if (issuer is null)
        {
            missing.Add($"{OidcIssuerVariable} (your identity provider's issuer URL, such as https://login.microsoftonline.com/<tenant>/v2.0)");
        }

        if (publicUrl is null && ServerSettings.NonEmpty(configuration[PublicUrlVariable]) is null)
        {
            missing.Add($"{PublicUrlVariable} (the server's public URL: tokens must be issued for <public URL>/mcp)");
        }

        if (tokensFile is null)
        {
            missing.Add($"{TokensFileVariable} (the policy file whose principals map people and groups to accounts)");
        }

        if (missing.Count > 0)
        {
            problems.Add($"{AuthVariable}=oidc needs " + string.Join(", ", missing));
        }

        if (issuer is not null)
        {
            if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                problems.Add($"{OidcIssuerVariable}: \"{issuer}\" is not an issuer URL such as https://idp.example.com/realms/marketing");
                issuer = null;
            }
            else if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            {
                problems.Add($"{OidcIssuerVariable}: \"{issuer}\" must be https (plain http only on a loopback address, for tests)");
                issuer = null;
            }
        }

        var readScope = ServerSettings.NonEmpty(configuration[OidcReadScopeVariable]) ?? OidcSettings.DefaultReadScope;
        var writeScope = ServerSettings.NonEmpty(configuration[OidcWriteScopeVariable]) ?? OidcSettings.DefaultWriteScope;
        foreach (var (variable, scope) in new[] { (OidcReadScopeVariable, readScope), (OidcWriteScopeVariable, writeScope) })
        {
            if (scope.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\\'))
            {
                problems.Add($"{variable}: \"{scope}\" is not one scope (no spaces, quotes or backslashes)");
            }
        }

        if (readScope == writeScope)
        {
            problems.Add($"{OidcReadScopeVariable} and {OidcWriteScopeVariable} must differ: the write scope is what a token needs besides the read scope to change data");
        }

        var audiences = new List<string>();
        if (publicUrl is not null)
        {
            audiences.Add(publicUrl.AbsoluteUri.TrimEnd('/') + BearerAuthentication.McpPath);
        }

        audiences.AddRange((configuration[OidcAudiencesVariable] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return issuer is null || publicUrl is null ? null : new OidcSettings(issuer, audiences, readScope, writeScope);
    }

    private static HashSet<string> ReadOrigins(string? value, List<string> problems)
    {
        var origins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var origin in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (OriginValidation.Normalize(origin) is { } normalized && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && uri.Query.Length == 0)
            {
                origins.Add(normalized);
            }
            else
            {
                problems.Add($"{AllowedOriginsVariable}: \"{origin}\" is not a web origin such as https://app.example.com (scheme, host and port only)");
            }
        }

        return origins;
    }

    private static Uri? ReadPublicUrl(string? value, List<string> problems)
    {
        if (ServerSettings.NonEmpty(value) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
        {
            return url;
        }

        problems.Add($"{PublicUrlVariable}: \"{text}\" is not an absolute http(s) URL such as https://mcp.example.com");
        return null;
    }
}
