using Klaviyo.Client;
using Klaviyo.Mcp.Catalog;
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
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp;

/// <summary>Composes the server: the Klaviyo client, the validators and the tools. The transport is added by <see cref="KlaviyoMcpHost"/>: stdio, or Streamable HTTP for serve.</summary>
public static class KlaviyoMcpServer
{
    public const string ServerName = "klaviyo-mcp";

    public static IMcpServerBuilder AddKlaviyoMcpServer(this IServiceCollection services, ServerSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<CallerAccess>();
        services.TryAddSingleton(Tools.Authoring.EstimatePolling.Default);
        services.AddKlaviyoClient(settings.ApplyTo);
        services.AddSingleton<EventArgumentsValidator>();
        services.AddSingleton(new ResultBudget(settings.ResultBudgetBytes));
        services.AddSingleton(settings.Tools);
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
        services.AddSingleton<ConfirmationGate>();
        services.AddTransient<AudienceResolver>();

        // The instructions name the tools this server offers, by API area (after the tools are registered). Written once: over
        // HTTP the SDK configures these options afresh for every request.
        string? instructions = null;
        services.AddOptions<McpServerOptions>().PostConfigure<IEnumerable<McpServerTool>>((options, tools) =>
            options.ServerInstructions = instructions ??= ServerInstructions.For(
                tools.Select(t => t.ProtocolTool).Where(t => settings.Tools.Present(t) is not null).Select(t => t.Name), settings.Tools.ReadOnly, settings.Confirm));

        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "Klaviyo", Version = ServerSettings.ServerVersion };
            })
            .WithCatalogTools<EventTools>(McpJson.Options)
            .WithCatalogTools<ProfileTools>(McpJson.Options)
            .WithCatalogTools<ProfileImportTools>(McpJson.Options)
            .WithCatalogTools<CouponTools>(McpJson.Options)
            .WithCatalogTools<CatalogTools>(McpJson.Options)
            .WithCatalogTools<SubscriptionTools>(McpJson.Options)
            .WithCatalogTools<ListTools>(McpJson.Options)
            .WithCatalogTools<MetricTools>(McpJson.Options)
            .WithCatalogTools<SegmentTools>(McpJson.Options)
            .WithCatalogTools<CampaignTools>(McpJson.Options)
            .WithCatalogTools<CampaignAuthoringTools>(McpJson.Options)
            .WithCatalogTools<TemplateTools>(McpJson.Options)
            .WithCatalogTools<ImageTools>(McpJson.Options)
            .WithCatalogTools<FlowTools>(McpJson.Options)
            .WithCatalogTools<ReportingTools>(McpJson.Options)
            .WithCatalogTools<AccountTools>(McpJson.Options)
            .WithCatalogTools<ApiTools>(McpJson.Options)
            .WithCatalogPrompts<InsightPrompts>(McpJson.Options)
            .WithRequestFilters(filters =>
            {
                filters.AddListToolsFilter(next => async (context, cancellationToken) =>
                {
                    var result = await next(context, cancellationToken).ConfigureAwait(false);
                    // The server's selection, narrowed by the request's caller (a team token over HTTP); call_operation is
                    // shown read-only where either is read-only.
                    var caller = context.Services?.GetService<CallerAccess>();
                    result.Tools = [.. result.Tools
                        .Where(t => CallerAccess.AllowedFor(settings.Tools, context.Services, t))
                        .Select(settings.Tools.Present).OfType<Tool>()
                        .Select(t => caller?.Tools?.Present(t) ?? t)];
                    return result;
                });
                filters.AddCallToolFilter(next => (context, cancellationToken) =>
                    context.MatchedPrimitive is McpServerTool tool && CallerAccess.RefusalFor(settings.Tools, context.Services, tool.ProtocolTool) is { } refusal
                        ? ValueTask.FromResult(ToolResults.Error(refusal))
                        : next(context, cancellationToken));
                filters.AddCallToolFilter(ToolErrorFilter.Wrap);
            });
    }
}
