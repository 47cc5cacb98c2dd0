using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Apps;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools;
using Klaviyo.Mcp.Prompts;
using Klaviyo.Mcp.Tools.Authoring;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Tools.Metrics;
using Klaviyo.Mcp.Tools.Reporting;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Tools.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp;

/// <summary>Composes the server: the Klaviyo client, the validators and the tools. The transport is added by <see cref="KlaviyoMcpHost"/>: stdio, or Streamable HTTP for serve.</summary>
public static class KlaviyoMcpServer
{
    public const string ServerName = "klaviyo-mcp";

    /// <summary>
    /// The server with <paramref name="access"/> as the server's own access policy (default: the settings' over stdio);
    /// each request's policy is that one narrowed by the request's <see cref="RequestCaller"/>, if any.
    /// </summary>
    public static IMcpServerBuilder AddKlaviyoMcpServer(this IServiceCollection services, ServerSettings settings, AccessPolicy? access = null)
    {
        var serverAccess = access ?? AccessPolicy.ForServer(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<RequestCaller>();
        services.TryAddScoped(requestServices => serverAccess.For(requestServices.GetRequiredService<RequestCaller>().Current));
        services.TryAddSingleton(Tools.Authoring.EstimatePolling.Default);
        services.AddKlaviyoClient(settings.ApplyTo);
        services.AddSingleton<EventArgumentsValidator>();
        services.AddSingleton(new ResultBudget(settings.ResultBudgetBytes));
        services.AddTransient<ResourceNameResolver>();
        services.AddTransient<ProfileIdResolver>();
        services.AddTransient<MetricResolver>();
        services.AddTransient<ReportNames>();
        services.AddSingleton(new ImportSettings(settings.ImportRoots.Count > 0 ? settings.ImportRoots : ImportSettings.DefaultRoots(), settings.ImportStateDirectory));
        services.AddTransient<EventImporter>();
        services.TryAddSingleton(new BulkJobPolling());
        services.AddTransient<ProfileImporter>();
        services.AddTransient<Klaviyo.Mcp.Tools.Coupons.CouponCodeGenerator>();
        services.AddSingleton(new ConfirmationOptions(settings.Confirm));
        services.TryAddSingleton<ConfirmationLedger>();
        services.AddSingleton<ConfirmationGate>();
        services.AddTransient<AudienceResolver>();
        services.AddSingleton<AccountCurrency>();

        // The instructions name the tools this server offers, by API area (after the tools are registered). Written once: over
        // HTTP the SDK configures these options afresh for every request, whose caller's instructions KlaviyoMcpHost.CreateHttp sets.
        string? instructions = null;
        services.AddOptions<McpServerOptions>().PostConfigure<IEnumerable<McpServerTool>>((options, tools) =>
            options.ServerInstructions = instructions ??= serverAccess.Instructions(tools.Select(t => t.ProtocolTool)));

        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "Klaviyo", Version = ServerSettings.ServerVersion };
                McpAppsExtension.Declare(options.Capabilities ??= new ServerCapabilities());
            })
            .WithManifestTools<EventTools>(McpJson.Options)
            .WithManifestTools<ProfileTools>(McpJson.Options)
            .WithManifestTools<ProfileImportTools>(McpJson.Options)
            .WithManifestTools<CouponTools>(McpJson.Options)
            .WithManifestTools<CatalogTools>(McpJson.Options)
            .WithManifestTools<SubscriptionTools>(McpJson.Options)
            .WithManifestTools<ListTools>(McpJson.Options)
            .WithManifestTools<MetricTools>(McpJson.Options)
            .WithManifestTools<SegmentTools>(McpJson.Options)
            .WithManifestTools<CampaignTools>(McpJson.Options)
            .WithManifestTools<CampaignAuthoringTools>(McpJson.Options)
            .WithManifestTools<TemplateTools>(McpJson.Options)
            .WithManifestTools<ImageTools>(McpJson.Options)
            .WithManifestTools<FlowTools>(McpJson.Options)
            .WithManifestTools<ReportingTools>(McpJson.Options)
            .WithManifestTools<AccountTools>(McpJson.Options)
            .WithManifestTools<ApiTools>(McpJson.Options)
            .WithManifestPrompts<InsightPrompts>(McpJson.Options)
            .WithListResourcesHandler(AppViews.ListAsync)
            .WithReadResourceHandler(AppViews.ReadAsync)
            .WithRequestFilters(AddFilters)
            .WithMessageFilters(filters => filters.AddOutgoingFilter(McpAppsExtension.OnlyForDeclaringClients));
    }

    /// <summary>
    /// Every request filter of the server, in one place. tools/list shows each tool as the request's
    /// <see cref="AccessPolicy"/> presents it, then, for a client that declared MCP Apps (<see cref="McpAppsExtension"/>),
    /// the report tools with their views in <c>_meta.ui</c>. prompts/list shows, and prompts/get gives, only the prompts
    /// whose tools the caller may use all of. tools/call runs through, outermost first:
    /// <list type="number">
    /// <item>the access policy: a tool the caller may not use is refused with the reason, before anything else runs;</item>
    /// <item><see cref="ConfirmationScope"/>: each call begins unconfirmed, and the one call path sends nothing the
    /// catalogue classes destructive until <see cref="ConfirmationGate"/> has let the call go on;</item>
    /// <item><see cref="AccountCurrency"/>: a report's result, for a client that declared MCP Apps, with the account's currency in its <c>_meta</c>;</item>
    /// <item><see cref="UntrustedValues"/>: the values strangers wrote, sanitized when flattened, are marked in the finished
    /// result (its <c>untrusted</c> pointers), or left out where the caller may not read user content;</item>
    /// <item><see cref="ToolErrorFilter"/>: exceptions become tool errors that say what to fix (never a secret);</item>
    /// <item><see cref="CallerConcurrency"/> (serve only): at most so many calls in flight per caller, else a JSON-RPC error.</item>
    /// </list>
    /// </summary>
    private static void AddFilters(IMcpRequestFilterBuilder filters)
    {
        filters.AddListToolsFilter(next => async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken).ConfigureAwait(false);
            if (context.Services?.GetService<AccessPolicy>() is { } access)
            {
                result.Tools = [.. result.Tools.Select(access.Present).OfType<Tool>()];
            }

            if (McpAppsExtension.DeclaredBy(context.Server.ClientCapabilities))
            {
                result.Tools = [.. result.Tools.Select(McpAppsExtension.Present)];
            }

            return result;
        });
        filters.AddListPromptsFilter(next => async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken).ConfigureAwait(false);
            if (context.Services?.GetService<AccessPolicy>() is { } access && context.Server.ServerOptions.PromptCollection is { } prompts)
            {
                result.Prompts = [.. result.Prompts.Where(p =>
                    !prompts.TryGetPrimitive(p.Name, out var prompt) || prompt is not ManifestPrompt manifest ||
                    access.PromptRefusal(p.Name, manifest.Tools, context.Server.ServerOptions.ToolCollection) is null)];
            }

            return result;
        });
        filters.AddGetPromptFilter(next => (context, cancellationToken) =>
            context.MatchedPrimitive is ManifestPrompt prompt &&
            context.Services?.GetService<AccessPolicy>()?.PromptRefusal(prompt.ProtocolPrompt.Name, prompt.Tools, context.Server.ServerOptions.ToolCollection) is { } refusal
                ? throw new McpProtocolException(refusal, McpErrorCode.InvalidParams)
                : next(context, cancellationToken));
        filters.AddCallToolFilter(next => (context, cancellationToken) =>
            context.MatchedPrimitive is McpServerTool tool && context.Services?.GetService<AccessPolicy>()?.Refusal(tool.ProtocolTool) is { } refusal
                ? ValueTask.FromResult(ToolResults.Error(refusal))
                : next(context, cancellationToken));
        filters.AddCallToolFilter(next => async (context, cancellationToken) =>
        {
            ConfirmationScope.Begin();
            return await next(context, cancellationToken).ConfigureAwait(false);
        });
        filters.AddCallToolFilter(AccountCurrency.AddToReports);
        filters.AddCallToolFilter(next => async (context, cancellationToken) =>
        {
            var allowed = context.Services?.GetService<AccessPolicy>()?.AllowsUserContent ?? true;
            UntrustedValues.Allowed = allowed;
            return UntrustedValues.Mark(await next(context, cancellationToken).ConfigureAwait(false), allowed);
        });
        filters.AddCallToolFilter(ToolErrorFilter.Wrap);
        filters.AddCallToolFilter(next => (context, cancellationToken) =>
            context.Services?.GetService<CallerConcurrency>() is { } concurrency ? concurrency.InvokeAsync(context, next, cancellationToken) : next(context, cancellationToken));
    }
}
