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

        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "Klaviyo", Version = ServerSettings.ServerVersion };
                options.ServerInstructions =
                    "Tools for a Klaviyo account. Events: create_event records one thing a person did (a metric name plus a profile identifier); " +
                    "bulk_create_events sends many at once; import_events imports a CSV, JSON Lines or JSON file, resumably. " +
                    "Profiles: get_profiles finds people (by email and more), get_profile, create_profile, update_profile, create_or_update_profile (upsert). " +
                    "Consent: subscribe_profiles, unsubscribe_profiles, suppress_profiles, unsuppress_profiles. " +
                    "Lists: get_lists, get_list, create_list, update_list, delete_list, add_profiles_to_list, remove_profiles_from_list, get_profiles_for_list; list_name works wherever list_id does. " +
                    "Insights: get_events, get_event, get_metrics, get_metric, query_metric_aggregates (counts over time), get_segments, get_segment, get_profiles_for_segment, " +
                    "get_campaigns, get_campaign, get_flows, get_flow, update_flow_status, query_campaign_values and query_flow_values (performance reports), get_account. " +
                    "Authoring: create_campaign (a draft), update_campaign, update_campaign_message, estimate_campaign_recipients, render_template (preview), then send_campaign, which the person confirms; templates and images have their own tools. " +
                    "Anything else in Klaviyo's API (coupons, catalogs, tags, templates, forms, webhooks, reviews, custom objects...): find_operations, describe_operation, call_operation. " +
                    "Collections return { items, next_cursor }: pass next_cursor back as cursor for the next page. " +
                    "Every tool validates its arguments before calling Klaviyo; an error result names the argument and the rule to fix.";
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
