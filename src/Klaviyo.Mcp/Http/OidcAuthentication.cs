using System.Security.Claims;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Tools;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// In front of <c>/mcp</c> with <c>KLAVIYO_HTTP_AUTH=oidc</c>: the bearer must be a JWT access token of the configured
/// issuer, validated by ASP.NET Core's JwtBearer (signature from the issuer's JWKS, <c>iss</c>, <c>aud</c>, <c>exp</c>);
/// anything else is a 401 that points to the protected-resource metadata and names the read scope. A token without the
/// read scope is a 403 <c>insufficient_scope</c>; a person no principal of the policy file matches is a 403. The first
/// matching principal's account key and restrictions then apply to this request, as a team token's do.
/// <para>
/// The write scope is checked here, before the MCP server reads the request: a <c>tools/call</c> whose tool (or whose
/// call_operation operation) changes data, from a token without the write scope, gets a 403 <c>insufficient_scope</c>
/// naming both scopes (the client may step up) and nothing is sent. Only then is the body read (and kept for the MCP
/// server): the tool is known only from the JSON-RPC message, and an HTTP status can be chosen only before the MCP
/// server starts answering. A call the access policy refuses anyway (a read-only principal's write) is left to it: more
/// scope would not help.
/// </para>
/// </summary>
internal sealed class OidcAuthentication(HttpServeSettings settings, ILogger<OidcAuthentication> logger)
{
    private readonly OidcSettings _oidc = settings.Oidc ?? throw new InvalidOperationException("serve is not in OIDC mode.");
    private readonly TeamTokens _policy = settings.Tokens ?? throw new InvalidOperationException("OIDC mode needs the policy file.");

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(BearerAuthentication.McpPath))
        {
            await next(context);
            return;
        }

        if (BearerAuthentication.Bearer(context.Request) is null)
        {
            await ChallengeAsync(context, "invalid_request", "This server needs Authorization: Bearer <an access token from your identity provider, issued for this server>.");
            return;
        }

        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } user || user.FindFirst("sub")?.Value is not { Length: > 0 } subject)
        {
            // The exception's type says why (expired, bad signature, wrong audience...) without quoting the token.
            logger.LogInformation(
                "Refused a request from {Remote}: its bearer is not a valid access token of the issuer ({Reason})",
                context.Connection.RemoteIpAddress,
                result.Failure?.GetType().Name ?? "no subject");
            await ChallengeAsync(context, "invalid_token", "The access token is not valid for this server: it must be signed by the issuer, issued for this server, and unexpired.");
            return;
        }

        var scopes = Scopes(user);
        if (!OidcSettings.Holds(scopes, _oidc.ReadScope))
        {
            await BearerChallenge.WriteAsync(context, settings, StatusCodes.Status403Forbidden, "insufficient_scope", $"The access token lacks the scope {_oidc.ReadScope}.", _oidc.ReadScope);
            return;
        }

        if (_policy.Match(user) is not { } principal)
        {
            logger.LogInformation("Refused the subject {Subject}: no principal of the policy file matches its sub, email or groups", subject);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(
                new AuthenticationError("access_denied", "You are signed in, but this server's policy file gives you no Klaviyo account: ask its operator to add you (by subject, email or group)."),
                ServeJsonContext.Default.AuthenticationError);
            return;
        }

        context.User = user;
        context.RequestServices.GetRequiredService<KlaviyoCredentials>().ApiKey = principal.ApiKey;
        context.RequestServices.GetRequiredService<RequestCaller>().Current =
            new Caller($"the principal \"{principal.Name}\"", "oidc:" + subject, principal.Restrictions, "principal:" + principal.Name);

        if (!OidcSettings.Holds(scopes, _oidc.WriteScope) && await ChangesDataAsync(context))
        {
            var both = _oidc.ReadScope + " " + _oidc.WriteScope;
            await BearerChallenge.WriteAsync(context, settings, StatusCodes.Status403Forbidden, "insufficient_scope", $"This call changes data in Klaviyo: it needs an access token with the scope {_oidc.WriteScope}.", both);
            return;
        }

        await next(context);
    }

    /// <summary>The token's scopes: <c>scope</c> (RFC 9068, space-separated) and <c>scp</c> (Entra ID and Okta; a string or an array).</summary>
    private static List<string> Scopes(ClaimsPrincipal user) =>
        [.. user.FindAll("scope").Concat(user.FindAll("scp")).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>
    /// Whether the request holds a <c>tools/call</c> (alone, or in a batch) of a tool this caller may call and that
    /// changes data. The body is read once and rewound for the MCP server. It fails closed: a body this strict reading
    /// cannot read (not JSON, or a property written twice, which another reader might take differently) counts as a write.
    /// </summary>
    private static async Task<bool> ChangesDataAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return false;
        }

        context.Request.EnableBuffering();
        var calls = new List<(string Tool, string? Operation)>();
        try
        {
            using var message = await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { AllowDuplicateProperties = false }, context.RequestAborted);
            var root = message.RootElement;
            foreach (var element in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root])
            {
                if (ToolCall(element) is { } call)
                {
                    calls.Add(call);
                }
            }
        }
        catch (JsonException)
        {
            return true;
        }
        finally
        {
            context.Request.Body.Position = 0;
        }

        var access = context.RequestServices.GetRequiredService<AccessPolicy>();
        var tools = context.RequestServices.GetServices<McpServerTool>().Select(t => t.ProtocolTool).ToList();
        foreach (var (toolName, operationId) in calls)
        {
            if (tools.FirstOrDefault(t => t.Name == toolName) is not { } tool)
            {
                continue;
            }

            var operation = tool.Name == ApiTools.CallOperationName && operationId is not null ? OperationCatalog.Default.Find(operationId) : null;
            if (access.Refusal(tool) is null && (operation is null || access.Refusal(operation) is null) && AccessPolicy.ChangesData(tool, operation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tool (and call_operation's operation) of a JSON-RPC <c>tools/call</c> request, or null for any other message.</summary>
    private static (string Tool, string? Operation)? ToolCall(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object
            || !message.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || !method.ValueEquals("tools/call")
            || !message.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object
            || !parameters.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string? operation = null;
        if (parameters.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.Object
            && arguments.TryGetProperty("operation", out var value) && value.ValueKind == JsonValueKind.String)
        {
            operation = value.GetString();
        }

        return (name.GetString()!, operation);
    }

    private Task ChallengeAsync(HttpContext context, string error, string description) =>
        BearerChallenge.WriteAsync(context, settings, StatusCodes.Status401Unauthorized, error, description, _oidc.ReadScope);
}
