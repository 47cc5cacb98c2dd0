using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The server's own consent page, shown before a person is sent to Klaviyo (the MCP security best practices' answer to
/// the confused deputy: the server signs every client in with one Klaviyo app, whose consent Klaviyo may remember, so
/// the person approves each application here). It names the application as it registered (its name, client id and the
/// redirect URI its sign-in goes back to) and the Klaviyo scopes asked for; every value is HTML-encoded (a client's name
/// is the client's to choose). One form with an approve button, a second one to deny; no script, no framing.
/// </summary>
internal static class ConsentPage
{
    public const string Path = "/oauth/consent";
    public const string TicketField = "ticket";
    public const string ConsentIdField = "consent_id";
    public const string DecisionField = "decision";
    public const string Deny = "deny";

    /// <summary>Writes the page; its forms post to <paramref name="issuer"/>'s consent path (the public URL may have a path of its own).</summary>
    public static Task WriteAsync(HttpContext context, string issuer, OAuthClient client, string redirectUri, string scopes, string consentId, string ticket)
    {
        var action = WebUtility.HtmlEncode(issuer + Path);
        var hidden = $"<input type=\"hidden\" name=\"{ConsentIdField}\" value=\"{WebUtility.HtmlEncode(consentId)}\">"
            + $"<input type=\"hidden\" name=\"{TicketField}\" value=\"{WebUtility.HtmlEncode(ticket)}\">";
        var name = WebUtility.HtmlEncode(string.IsNullOrWhiteSpace(client.ClientName) ? "An application" : client.ClientName);
        var items = string.Concat(scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => $"<li><code>{WebUtility.HtmlEncode(s)}</code></li>"));
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Allow access to your Klaviyo account?</title>")
            .Append("<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}")
            .Append("code{word-break:break-all}button{font:inherit;padding:.5rem 1.25rem;margin-top:1rem;cursor:pointer}</style></head><body>")
            .Append($"<h1>Allow {name} to use your Klaviyo account?</h1>")
            .Append($"<p><strong>{name}</strong> (client id <code>{WebUtility.HtmlEncode(client.ClientId)}</code>) asks to call Klaviyo for you through this MCP server. ")
            .Append($"When you approve, you sign in at Klaviyo next, and the sign-in goes back to <code>{WebUtility.HtmlEncode(redirectUri)}</code>.</p>")
            .Append($"<p>Klaviyo access asked for:</p><ul>{items}</ul>")
            .Append("<p>Approve only if you started this sign-in from an application you trust.</p>")
            .Append($"<form method=\"post\" action=\"{action}\">{hidden}")
            .Append($"<button type=\"submit\" name=\"{DecisionField}\" value=\"approve\">Approve</button></form>")
            .Append($"<form method=\"post\" action=\"{action}\">{hidden}")
            .Append($"<input type=\"hidden\" name=\"{DecisionField}\" value=\"{Deny}\"><button type=\"submit\">Deny</button></form>")
            .Append("</body></html>")
            .ToString();

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers["X-Frame-Options"] = "DENY";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        return context.Response.WriteAsync(html);
    }
}
