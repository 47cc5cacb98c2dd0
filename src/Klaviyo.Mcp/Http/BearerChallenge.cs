using Microsoft.AspNetCore.Http;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// The answers of serve's authentication: a 401 (or a 403 for <c>insufficient_scope</c>) with a <c>WWW-Authenticate</c>
/// challenge (RFC 6750) that points to the protected-resource metadata (RFC 9728) and, where the mode has scopes, names
/// the scope needed; and a JSON body with the error and what to do.
/// </summary>
internal static class BearerChallenge
{
    /// <summary>Writes the challenge; <paramref name="error"/> <c>invalid_request</c> (no token) is left out of the header, as RFC 6750 says.</summary>
    public static Task WriteAsync(HttpContext context, HttpServeSettings settings, int status, string error, string description, string? scope = null)
    {
        var metadata = BearerAuthentication.BaseUrl(settings, context.Request) + BearerAuthentication.ResourceMetadataPath;
        var challenge = $"Bearer realm=\"{KlaviyoMcpServer.ServerName}\"";
        if (error != "invalid_request")
        {
            challenge += $", error=\"{error}\"";
        }

        challenge += $", resource_metadata=\"{metadata}\"";
        if (scope is not null)
        {
            challenge += $", scope=\"{scope}\"";
        }

        context.Response.StatusCode = status;
        context.Response.Headers.WWWAuthenticate = challenge;
        return context.Response.WriteAsJsonAsync(new AuthenticationError(error, description), ServeJsonContext.Default.AuthenticationError);
    }
}
