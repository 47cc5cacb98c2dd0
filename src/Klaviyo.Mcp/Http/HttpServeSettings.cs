using System.Net;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// What <c>klaviyo-mcp serve</c> reads on top of <see cref="ServerSettings"/>: where to listen, how callers
/// authenticate (team tokens or their own Klaviyo keys: exactly one), the limits, and the Redis that replicas share
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

    /// <summary>The largest request body accepted (a JSON-RPC message): 16 MB.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024 * 1024;

    public int Port { get; init; } = 8080;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Team tokens mode: the tokens of <see cref="TokensFileVariable"/>.</summary>
    public TeamTokens? Tokens { get; init; }

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

    /// <summary>Reads the variables; throws <see cref="ServerConfigurationException"/> listing every unusable one, including no authentication mode or both.</summary>
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
        var settings = new HttpServeSettings
        {
            Port = ServerSettings.ReadNumber(configuration, PortVariable, 0, 65535, problems) is { } port ? (int)port : defaults.Port,
            Host = host,
            Tokens = tokensFile is null ? null : TeamTokens.Read(Path.GetFullPath(tokensFile), configuration, problems),
            AcceptKlaviyoKeys = ServerSettings.ReadFlag(configuration, AcceptKlaviyoKeysVariable, problems),
            AllowImports = ServerSettings.ReadFlag(configuration, AllowImportsVariable, problems),
            PublicUrl = ReadPublicUrl(configuration[PublicUrlVariable], problems),
            AllowedOrigins = ReadOrigins(configuration[AllowedOriginsVariable], problems),
            MaxConcurrentCalls = ServerSettings.ReadNumber(configuration, MaxConcurrentCallsVariable, 1, 1000, problems) is { } calls ? (int)calls : defaults.MaxConcurrentCalls,
            Redis = ServerSettings.NonEmpty(configuration[RedisVariable]),
        };

        if (tokensFile is null && !settings.AcceptKlaviyoKeys)
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
