using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Metrics;

/// <summary>
/// Finds metrics by name. Klaviyo cannot filter metrics by name, so every page is read (200 metrics a page; accounts
/// rarely have more than a few hundred). Also finds the account's "Placed Order" metric for conversion reports.
/// </summary>
public sealed class MetricResolver(KlaviyoClient klaviyo)
{
    public const string PlacedOrder = "Placed Order";

    private static readonly ToolCallDescriptor s_operation = ToolCallDescriptor.Read("metric lookup (get_metrics)", "get_metrics");

    /// <summary>Every metric: id, name and integration name.</summary>
    public async Task<List<(string Id, string Name, string? Integration)>> AllAsync(string? integration, CancellationToken cancellationToken)
    {
        var metrics = new List<(string, string, string?)>();
        string? cursor = null;
        do
        {
            var query = new KlaviyoQuery()
                .Filter(integration is null ? null : new KlaviyoFilter().Equal("integration.name", integration).ToString())
                .Cursor(cursor);
            var page = await KlaviyoCalls.RunAsync(s_operation, () => klaviyo.GetMetricsAsync(query, cancellationToken)).ConfigureAwait(false);
            foreach (var metric in page.Resources)
            {
                var attributes = metric.GetProperty("attributes");
                metrics.Add((
                    metric.GetProperty("id").GetString()!,
                    attributes.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
                    attributes.TryGetProperty("integration", out var source) && source.ValueKind == JsonValueKind.Object && source.TryGetProperty("name", out var sourceName) ? sourceName.GetString() : null));
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null && metrics.Count < 10_000);

        return metrics;
    }

    /// <summary>The id <paramref name="metricId"/> gives, or that of the one metric named <paramref name="metricName"/> (ignoring case).</summary>
    public async Task<(string Id, string? Name)> ResolveAsync(string? metricId, string? metricName, string nameArgument, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(metricId))
        {
            return (metricId.Trim(), null);
        }

        var all = await AllAsync(null, cancellationToken).ConfigureAwait(false);
        var matches = all.Where(m => string.Equals(m.Name, metricName, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => (matches[0].Id, matches[0].Name),
            0 => throw new ToolArgumentException(nameArgument,
                $"no metric is named {IdentifierRules.Quote(metricName!)}; " + Similar(all, metricName!), nothingSent: false),
            _ => throw new ToolArgumentException(nameArgument,
                $"{matches.Count} metrics are named {IdentifierRules.Quote(metricName!)} (ignoring case): " +
                string.Join(", ", matches.Select(m => $"{IdentifierRules.Quote(m.Name)} (id {m.Id}{(m.Integration is null ? "" : ", " + m.Integration)})")) +
                "; give the metric_id of the one you mean", nothingSent: false),
        };
    }

    private static string Similar(List<(string Id, string Name, string? Integration)> all, string name)
    {
        var similar = all.Where(m => m.Name.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(m.Name, StringComparison.OrdinalIgnoreCase)).Take(10).ToList();
        return similar.Count > 0
            ? "similar names: " + string.Join(", ", similar.Select(m => $"{IdentifierRules.Quote(m.Name)} (id {m.Id})"))
            : $"the account has {all.Count} metrics; use get_metrics to see them";
    }
}
