using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// In front of <c>/mcp</c>, before authentication: refuses requests that a foreign web page made a browser send (the
/// Streamable HTTP transport's MUST against DNS rebinding). A request without <c>Origin</c> is not from a browser page
/// and passes. Allowed origins: the public URL's (<c>KLAVIYO_HTTP_PUBLIC_URL</c>), those listed in
/// <c>KLAVIYO_HTTP_ALLOWED_ORIGINS</c>, and, when serve listens on a loopback address, any loopback origin
/// (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>, any port: a local proxy or inspector may sit in front). When
/// listening on loopback, a <c>Host</c> that is not a loopback name (nor the public URL's host) is refused too: a
/// rebound DNS name pointing at 127.0.0.1 reaches nothing. Refusals are 403 with a JSON-RPC error body.
/// </summary>
internal sealed class OriginValidation(HttpServeSettings settings, ILogger<OriginValidation> logger)
{
    private readonly bool _loopback = IsLoopbackAddress(settings.Host);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(BearerAuthentication.McpPath))
        {
            return next(context);
        }

        if (_loopback && !IsAllowedHost(context.Request.Host))
        {
            return RefuseAsync(context, $"The Host \"{context.Request.Host}\" is not this server's: it listens on a loopback address and answers loopback names only (or the host of {HttpServeSettings.PublicUrlVariable}).");
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsAllowedOrigin(origin))
        {
            return next(context);
        }

        return RefuseAsync(context, $"Requests from the web page at origin \"{origin}\" are not allowed. The server's operator can allow an origin with {HttpServeSettings.AllowedOriginsVariable}.");
    }

    /// <summary>An origin as compared here: scheme://host:port, lower case, the port always written.</summary>
    public static string? Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}"
            : null;

    private bool IsAllowedOrigin(string origin)
    {
        if (Normalize(origin) is not { } normalized || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false; // "null" (a sandboxed frame, a file) and anything unparsable
        }

        return (settings.PublicUrl is { } url && Normalize(url.AbsoluteUri) == normalized) ||
            settings.AllowedOrigins.Contains(normalized) ||
            (_loopback && IsLoopbackName(uri.Host));
    }

    private bool IsAllowedHost(HostString host) =>
        host.HasValue && (IsLoopbackName(host.Host) || (settings.PublicUrl is { } url && string.Equals(url.Host, host.Host, StringComparison.OrdinalIgnoreCase)));

    private static bool IsLoopbackName(string host)
    {
        var name = host.Trim('[', ']');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
            name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ||
            (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    private static bool IsLoopbackAddress(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private Task RefuseAsync(HttpContext context, string message)
    {
        logger.LogInformation("Refused a request to /mcp: {Reason}", message);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(new JsonRpcErrorResponse(new JsonRpcError(-32600, message)), ServeJsonContext.Default.JsonRpcErrorResponse);
    }
}
