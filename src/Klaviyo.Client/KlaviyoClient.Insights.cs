using Klaviyo.Client.Insights;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client;

public sealed partial class KlaviyoClient
{
    /// <summary><c>GET /api/events</c>.</summary>
    public Task<JsonApiDocument> GetEventsAsync(KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_events", null, query, cancellationToken);

    /// <summary><c>GET /api/events/{id}</c>.</summary>
    public Task<JsonApiDocument> GetEventAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_event", id, query, cancellationToken);

    /// <summary><c>GET /api/metrics</c> (200 a page, no page size).</summary>
    public Task<JsonApiDocument> GetMetricsAsync(KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_metrics", null, query, cancellationToken);

    /// <summary><c>GET /api/metrics/{id}</c>.</summary>
    public Task<JsonApiDocument> GetMetricAsync(string id, CancellationToken cancellationToken) => GetAsync("get_metric", id, null, cancellationToken);

    /// <summary><c>POST /api/metric-aggregates</c>: a read, so it is retried like one.</summary>
    public Task<JsonApiDocument> QueryMetricAggregatesAsync(MetricAggregateAttributes query, CancellationToken cancellationToken) =>
        WriteAsync("query_metric_aggregates", null, new JsonApiData<MetricAggregateResource>(new MetricAggregateResource(query)), KlaviyoDocumentJsonContext.Wire.JsonApiDataMetricAggregateResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary><c>GET /api/segments</c> (10 a page).</summary>
    public Task<JsonApiDocument> GetSegmentsAsync(KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_segments", null, query, cancellationToken);

    /// <summary><c>GET /api/segments/{id}</c>.</summary>
    public Task<JsonApiDocument> GetSegmentAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_segment", id, query, cancellationToken);

    /// <summary><c>GET /api/segments/{id}/profiles</c>.</summary>
    public Task<JsonApiDocument> GetSegmentProfilesAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) =>
        GetAsync("get_profiles_for_segment", id, query, cancellationToken);

    /// <summary><c>GET /api/campaigns</c>: the filter must name a channel.</summary>
    public Task<JsonApiDocument> GetCampaignsAsync(KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_campaigns", null, query, cancellationToken);

    /// <summary><c>GET /api/campaigns/{id}</c>.</summary>
    public Task<JsonApiDocument> GetCampaignAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_campaign", id, query, cancellationToken);

    /// <summary><c>GET /api/flows</c> (50 a page).</summary>
    public Task<JsonApiDocument> GetFlowsAsync(KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_flows", null, query, cancellationToken);

    /// <summary><c>GET /api/flows/{id}</c>.</summary>
    public Task<JsonApiDocument> GetFlowAsync(string id, KlaviyoQuery query, CancellationToken cancellationToken) => GetAsync("get_flow", id, query, cancellationToken);

    /// <summary><c>PATCH /api/flows/{id}</c>: sets a flow and all its actions to draft, manual or live. Retried: setting a status twice changes nothing.</summary>
    public Task<JsonApiDocument> UpdateFlowStatusAsync(string id, string status, CancellationToken cancellationToken) =>
        WriteAsync("update_flow", id, new JsonApiData<FlowStatusResource>(new FlowStatusResource(id, new FlowStatusAttributes(status))), KlaviyoDocumentJsonContext.Wire.JsonApiDataFlowStatusResource,
            MaxPayloadBytes, cancellationToken);

    /// <summary>
    /// <c>POST /api/campaign-values-reports</c> or <c>/api/flow-values-reports</c>: a read (1/s, 2/min, 225/day),
    /// paged with the <c>page_cursor</c> query parameter.
    /// </summary>
    public Task<JsonApiDocument> QueryValuesReportAsync(ValuesReportResource report, string? pageCursor, CancellationToken cancellationToken) =>
        WriteAsync(report.Type == ValuesReportResource.CampaignType ? "query_campaign_values" : "query_flow_values", null,
            new JsonApiData<ValuesReportResource>(report), KlaviyoDocumentJsonContext.Wire.JsonApiDataValuesReportResource,
            MaxPayloadBytes, cancellationToken, query: new KlaviyoQuery().PageCursor(pageCursor));

    /// <summary><c>GET /api/accounts</c>: the key's one account.</summary>
    public Task<JsonApiDocument> GetAccountsAsync(CancellationToken cancellationToken) => GetAsync("get_accounts", null, null, cancellationToken);
}
