using Klaviyo.Client;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Errors;

/// <summary>
/// The one place a failed tool call becomes a result: every exception a tool throws is turned into an
/// <c>isError</c> result whose text the agent can act on, with the API key scrubbed from it.
/// Protocol errors (an unknown tool) stay JSON-RPC errors; cancellation stays cancellation.
/// </summary>
internal static class ToolErrorFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            try
            {
                return await next(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (McpProtocolException)
            {
                throw;
            }
            catch (InputRequiredException)
            {
                // A multi round-trip request (a confirmation asked of a 2026-07-28 client): the SDK answers input_required.
                throw;
            }
            catch (Exception exception)
            {
                var toolName = context.Params?.Name ?? "tool";
                var logger = context.Services?.GetService<ILoggerFactory>()?.CreateLogger("Klaviyo.Mcp.Tools");
                var apiKey = context.Services?.GetService<IOptions<KlaviyoClientOptions>>()?.Value.ApiKey;
                var requestCredentials = context.Services?.GetService<KlaviyoCredentials>();
                var requestKey = requestCredentials?.ApiKey;
                var binding = ArgumentBindingErrors.TryExplain(context, exception);
                Log(logger, binding is null ? exception : null, toolName);
                var message = binding is not null
                    ? ToolErrorMessages.InvalidArguments(binding)
                    : ToolErrorMessages.Describe(
                        exception,
                        toolName,
                        signedIn: !string.IsNullOrEmpty(requestCredentials?.AccessToken),
                        renewalUnavailable: context.Services?.GetService<OAuth.KlaviyoSignInRenewal>()?.FailedTransiently == true);
                return ToolResults.Error(Secrets.Redact(Secrets.Redact(Secrets.Redact(message, apiKey), requestKey), requestCredentials?.AccessToken));
            }
        };

    /// <summary>Logs a failure; a null <paramref name="exception"/> is arguments the SDK could not bind.</summary>
    private static void Log(ILogger? logger, Exception? exception, string toolName)
    {
        if (logger is null)
        {
            return;
        }

        switch (exception)
        {
            case null or ToolArgumentException:
                logger.LogInformation("{Tool}: invalid arguments", toolName);
                break;
            case KlaviyoToolException or KlaviyoException:
                logger.LogWarning("{Tool}: Klaviyo call failed ({Failure})", toolName, (exception as KlaviyoToolException)?.Failure.GetType().Name ?? exception.GetType().Name);
                break;
            default:
                logger.LogError(exception, "{Tool}: unexpected failure", toolName);
                break;
        }
    }
}
