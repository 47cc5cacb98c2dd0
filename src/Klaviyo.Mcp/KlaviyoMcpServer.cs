using Klaviyo.Client;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools;
using Klaviyo.Mcp.Tools.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp;

/// <summary>Composes the server: the Klaviyo client, the validators and the tools. The transport is the caller's choice (stdio in Program, pipes in tests).</summary>
public static class KlaviyoMcpServer
{
    public const string ServerName = "klaviyo-mcp";

    public static IMcpServerBuilder AddKlaviyoMcpServer(this IServiceCollection services, ServerSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddKlaviyoClient(settings.ApplyTo);
        services.AddSingleton<EventArgumentsValidator>();

        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "Klaviyo", Version = ServerSettings.ServerVersion };
                options.ServerInstructions =
                    "Tools for a Klaviyo account. Events: create_event records one thing a person did (a metric name plus a profile identifier). " +
                    "Every tool validates its arguments before calling Klaviyo; an error result names the argument and the rule to fix.";
            })
            .WithTools<EventTools>(McpJson.Options)
            .WithRequestFilters(filters => filters.AddCallToolFilter(ToolErrorFilter.Wrap));
    }
}
