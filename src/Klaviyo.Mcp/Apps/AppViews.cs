using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Klaviyo.Mcp.Access;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Apps;

/// <summary>
/// The MCP Apps views of the report tools, served from embedded resources (no Klaviyo request): <c>resources/list</c>
/// names them to clients that declared the extension, <c>resources/read</c> returns each page with its shared style and
/// script inlined (every view is one self-contained HTML5 document) and a CSP that lists no domain.
/// </summary>
public static partial class AppViews
{
    public static readonly IReadOnlyList<AppView> All =
    [
        new("ui://klaviyo/campaign-performance.html", "campaign_performance", "Campaign performance",
            "Campaigns of a query_campaign_values result: a sortable table and a bar chart of one statistic, with a timeframe control.",
            "query_campaign_values", "campaigns"),
        new("ui://klaviyo/flow-performance.html", "flow_performance", "Flow performance",
            "Flows of a query_flow_values result: a sortable table and a bar chart of one statistic, with a timeframe control.",
            "query_flow_values", "flows"),
        new("ui://klaviyo/metric-trend.html", "metric_trend", "Metric over time",
            "A query_metric_aggregates result: one line per dimension value, its points also as a table, with a timeframe control.",
            "query_metric_aggregates", "metrics"),
    ];

    private static readonly ConcurrentDictionary<string, string> s_pages = new(StringComparer.Ordinal);

    /// <summary>The view of <paramref name="tool"/>, if it has one.</summary>
    public static AppView? ForTool(string tool) => All.FirstOrDefault(v => v.Tool == tool);

    /// <summary>The resource metadata of every view: a CSP with no domain (nothing is loaded or fetched), and a border.</summary>
    public static JsonObject Meta() => new()
    {
        ["ui"] = new JsonObject
        {
            ["csp"] = new JsonObject { ["connectDomains"] = new JsonArray(), ["resourceDomains"] = new JsonArray() },
            ["prefersBorder"] = true,
        },
    };

    /// <summary>
    /// The view's document: the views' page (report-view.html) for this view (its kind, tool and title), with the style
    /// and script inlined where the page names them.
    /// </summary>
    public static string Html(AppView view) => s_pages.GetOrAdd(view.Uri, _ =>
        InlinePart().Replace(
            Source("report-view.html").Replace("{{view}}", view.Kind, StringComparison.Ordinal).Replace("{{tool}}", view.Tool, StringComparison.Ordinal).Replace("{{title}}", view.Title, StringComparison.Ordinal),
            match => match.Groups["tag"].Value switch
            {
                "style" => "<style>\n" + Source(match.Groups["file"].Value) + "</style>",
                _ => "<script>\n" + Source(match.Groups["file"].Value) + "</script>",
            }));

    /// <summary>The text of one embedded source file of the views (Apps/<paramref name="file"/>).</summary>
    public static string Source(string file)
    {
        using var stream = typeof(AppViews).Assembly.GetManifestResourceStream("apps/" + file)
            ?? throw new InvalidOperationException($"The view file apps/{file} is not embedded in the server.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// resources/list: for a client that declared the extension, the views of the tools offered to it (by the toolsets and
    /// its access policy); nothing for any other client.
    /// </summary>
    public static ValueTask<ListResourcesResult> ListAsync(RequestContext<ListResourcesRequestParams> context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ListResourcesResult
        {
            Resources = McpAppsExtension.DeclaredBy(context.Server.ClientCapabilities)
                ? [.. All.Where(v => Offered(context, v)).Select(v => new Resource { Uri = v.Uri, Name = v.Name, Title = v.Title, Description = v.Description, MimeType = McpAppsExtension.MimeType, Meta = Meta() })]
                : [],
        });

    private static bool Offered<TParams>(RequestContext<TParams> context, AppView view)
    {
        if (context.Server.ServerOptions.ToolCollection is not { } tools || !tools.TryGetPrimitive(view.Tool, out var tool))
        {
            return false;
        }

        return context.Services?.GetService<AccessPolicy>()?.Refusal(tool.ProtocolTool) is null;
    }

    /// <summary>resources/read: a view's document, or resource-not-found naming the URIs there are.</summary>
    public static ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> context, CancellationToken cancellationToken)
    {
        var uri = context.Params?.Uri;
        // Only the view of a tool offered to this caller (the views hold no data; a host may read one with a request that
        // does not repeat the client's capabilities, so the declaration is not asked for again here).
        var view = All.FirstOrDefault(v => string.Equals(v.Uri, uri, StringComparison.Ordinal) && Offered(context, v))
            ?? throw new McpProtocolException(
                $"No resource {uri}; this server's resources are its views: {string.Join(", ", All.Select(v => v.Uri))}.", McpErrorCode.ResourceNotFound);
        return ValueTask.FromResult(new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = view.Uri, MimeType = McpAppsExtension.MimeType, Text = Html(view), Meta = Meta() }],
        });
    }

    [GeneratedRegex("""<(?<tag>style|script) data-inline="(?<file>[a-z-]+\.(css|js))"></(style|script)>""")]
    private static partial Regex InlinePart();
}
