using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// In front of <c>/mcp</c>: every request carries <c>Authorization: Bearer &lt;token&gt;</c>. With team tokens the
/// token is hashed and looked up, and its account's key and its restrictions (read-only, drafts-only, toolsets: see
/// <see cref="AccessPolicy"/>) apply to this request only. With callers' own keys the token is the caller's Klaviyo private key, used for this request only:
/// it is put in the request's <see cref="KlaviyoCredentials"/> and nowhere else (not logged, not stored, not in Redis,
/// whose keys carry its fingerprint). A missing or unknown token is a 401 whose <c>WWW-Authenticate</c> points to the
/// protected-resource metadata (RFC 9728).
/// </summary>
internal sealed class BearerAuthentication(HttpServeSettings settings, ILogger<BearerAuthentication> logger)
{
    public const string McpPath = "/mcp";

    public const string ResourceMetadataPath = "/.well-known/oauth-protected-resource";

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(McpPath))
        {
            return next(context);
        }

        if (Bearer(context.Request) is not { } bearer)
        {
            return ChallengeAsync(context, "invalid_request", settings.Tokens is not null
                ? "This server needs Authorization: Bearer <token>, with a token its operator gave you."
                : "This server needs Authorization: Bearer <your Klaviyo private API key (pk_...)>.");
        }

        var caller = context.RequestServices.GetRequiredService<RequestCaller>();
        var credentials = context.RequestServices.GetRequiredService<KlaviyoCredentials>();
        if (settings.Tokens is { } tokens)
        {
            if (tokens.Find(bearer) is not { } token)
            {
                logger.LogInformation("Refused a request with an unknown bearer token from {Remote}", context.Connection.RemoteIpAddress);
                return ChallengeAsync(context, "invalid_token", "The bearer token is not one of this server's tokens.");
            }

            credentials.ApiKey = token.ApiKey;
            caller.Current = new Caller($"the token \"{token.Name}\"", "token:" + token.Name, token.Restrictions);
        }
        else
        {
            if (!bearer.StartsWith("pk_", StringComparison.Ordinal))
            {
                return ChallengeAsync(context, "invalid_token", "The bearer token must be your Klaviyo private API key (it starts with pk_).");
            }

            var fingerprint = ApiKeyFingerprint.Of(bearer);
            credentials.ApiKey = bearer;
            credentials.Account = fingerprint;
            caller.Current = new Caller("your key", "key:" + fingerprint, AccessRestrictions.None);
        }

        return next(context);
    }

    /// <summary>The bearer token of the Authorization header, or null.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header["Bearer ".Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Where clients reach this server: <c>KLAVIYO_HTTP_PUBLIC_URL</c>, else the request's scheme and host.</summary>
    public static string BaseUrl(HttpServeSettings settings, HttpRequest request) =>
        settings.PublicUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";

    private Task ChallengeAsync(HttpContext context, string error, string description) =>
        BearerChallenge.WriteAsync(context, settings, StatusCodes.Status401Unauthorized, error, description);
}
