using System.Net;
using System.Text;
using Klaviyo.Client;
using Klaviyo.Mcp.Validation;
using Klaviyo.Mcp.Tools;

namespace Klaviyo.Mcp.Errors;

/// <summary>Turns a failed tool call into the text the agent reads: what went wrong, where, and what to do next.</summary>
public static class ToolErrorMessages
{
    public const string NothingSent = "nothing was sent to Klaviyo";

    /// <summary>
    /// The text of <paramref name="exception"/>; <paramref name="signedIn"/>: the caller signed in with Klaviyo (no API
    /// key of theirs is involved); <paramref name="renewalUnavailable"/>: renewing that sign-in after Klaviyo's 401
    /// failed for a passing reason (the sign-in stands: retry), not because Klaviyo refused it (sign in again).
    /// </summary>
    public static string Describe(Exception exception, string toolName, bool signedIn = false, bool renewalUnavailable = false) => exception switch
    {
        KlaviyoToolException { Failure: KlaviyoApiException { StatusCode: HttpStatusCode.Unauthorized } } or KlaviyoApiException { StatusCode: HttpStatusCode.Unauthorized } when signedIn && renewalUnavailable =>
            "Klaviyo did not accept your sign-in's current access token (401), and could not be reached to renew it just now (your sign-in is not revoked): retry in a moment.",
        KlaviyoToolException { Failure: KlaviyoApiException { StatusCode: HttpStatusCode.Unauthorized } } or KlaviyoApiException { StatusCode: HttpStatusCode.Unauthorized } when signedIn =>
            "Klaviyo did not accept your sign-in (401), even after renewing it (access was revoked, or the app removed, at Klaviyo): sign in with Klaviyo again in your MCP client.",
        ToolArgumentException invalid => InvalidArguments(invalid.Violations, invalid.NothingSent),
        KlaviyoToolException { Failure: var failure, Operation: var operation, Progress: var progress } =>
            progress is null ? DescribeKlaviyo(failure, operation, signedIn) : DescribeKlaviyo(failure, operation, signedIn) + "\n" + progress,
        KlaviyoException failure => DescribeKlaviyo(failure, new ToolCallDescriptor(toolName, "", new ArgumentPointerMap()), signedIn),
        ToolFailureException failure => failure.Message,
        _ => $"{toolName} failed unexpectedly ({exception.GetType().Name}); the server log has the details.",
    };

    public static string InvalidArguments(IReadOnlyList<ArgumentViolation> violations, bool nothingSent = true)
    {
        var text = new StringBuilder(nothingSent ? $"Invalid arguments ({NothingSent}):" : "Invalid arguments (nothing was changed in Klaviyo):");
        foreach (var violation in violations)
        {
            text.Append("\n- ").Append(violation.Path).Append(": ").Append(violation.Rule);
        }

        return text.ToString();
    }

    private static string DescribeKlaviyo(KlaviyoException failure, ToolCallDescriptor operation, bool signedIn) => failure switch
    {
        KlaviyoPayloadTooLargeException tooLarge => InvalidArguments([new ArgumentViolation("arguments", tooLarge.Message + "; send fewer or smaller properties")]),
        KlaviyoConfigurationException configuration => configuration.Message,
        KlaviyoTransportException { MaybeProcessed: true } transport => transport.Message,
        KlaviyoTransportException transport => transport.Message + " Klaviyo may be down or unreachable; try again in a minute.",
        KlaviyoInvalidResponseException invalid => invalid.Message + " This is unexpected; try again, and report it if it persists.",
        KlaviyoApiException api => DescribeApi(api, operation, signedIn),
        _ => failure.Message,
    };

    private static string DescribeApi(KlaviyoApiException api, ToolCallDescriptor operation, bool signedIn)
    {
        var status = (int)api.StatusCode;
        var text = new StringBuilder();
        switch (api.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                text.Append($"Klaviyo did not accept the API key (401). Check that KLAVIYO_API_KEY holds a valid private API key (pk_...) that has not been revoked.");
                break;
            case HttpStatusCode.Forbidden when signedIn:
                text.Append("Your Klaviyo sign-in is not allowed to do this (403).");
                if (operation.RequiredScopes.Length > 0)
                {
                    text.Append($" {operation.ToolName} needs the scope {operation.RequiredScopes}, which this sign-in was not granted: sign in with Klaviyo again, or ask whoever runs this server to offer that tool.");
                }

                break;
            case HttpStatusCode.Forbidden:
                text.Append($"The API key is not allowed to do this (403).");
                if (operation.RequiredScopes.Length > 0)
                {
                    text.Append($" {operation.ToolName} needs the scope {operation.RequiredScopes}: give the key that scope in Klaviyo (Settings > API keys), or use a key that has it.");
                }

                break;
            case HttpStatusCode.TooManyRequests:
                text.Append("Klaviyo is rate limiting these requests (429)");
                text.Append(api.RetryAfter is { } wait ? $"; retry after {Math.Max(1, Math.Ceiling(wait.TotalSeconds))} s." : "; wait a few seconds and retry.");
                if (operation.RateLimit is { } limit)
                {
                    text.Append($" {operation.ToolName} is limited to {limit} (the {operation.OperationId} rate limit, shared by every client of this account); space the calls out.");
                }

                break;
            default:
                text.Append(status >= 500
                    ? $"Klaviyo had a server error ({status}); it may have been temporary, so retrying later can work."
                    : $"Klaviyo rejected the request ({status}).");
                break;
        }

        foreach (var error in api.Errors)
        {
            text.Append("\n- ");
            if (error.Code is { Length: > 0 } code)
            {
                text.Append(code).Append(": ");
            }

            text.Append(error.Detail ?? error.Title ?? "no detail given");
            if (operation.Pointers.Map(error.Source?.Pointer) is { } argument)
            {
                text.Append(" (argument: ").Append(argument).Append(')');
            }
            else if (error.Source?.Parameter is { Length: > 0 } parameter)
            {
                text.Append(operation.Parameters is not null && operation.Parameters.TryGetValue(parameter, out var mapped)
                    ? $" (argument: {mapped})"
                    : $" (query parameter: {parameter})");
            }
            else if (error.Source?.Pointer is { Length: > 0 } pointer)
            {
                text.Append(" (at ").Append(pointer).Append(')');
            }
        }

        return text.ToString();
    }
}
