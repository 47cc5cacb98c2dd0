namespace Klaviyo.Mcp;

/// <summary>The toolsets users choose from (<c>--toolsets</c>), and which tools each holds: the one place tools are grouped.</summary>
public static class Toolsets
{
    public static IReadOnlyDictionary<string, string[]> All { get; } = new Dictionary<string, string[]>
    {
        ["events"] = ["create_event", "bulk_create_events", "import_events", "get_events", "get_event"],
        ["profiles"] = ["get_profiles", "get_profile", "create_profile", "update_profile", "create_or_update_profile", "subscribe_profiles", "unsubscribe_profiles", "suppress_profiles", "unsuppress_profiles"],
        ["lists"] = ["get_lists", "get_list", "create_list", "update_list", "delete_list", "add_profiles_to_list", "remove_profiles_from_list", "get_profiles_for_list"],
        ["segments"] = ["get_segments", "get_segment", "get_profiles_for_segment"],
        ["metrics"] = ["get_metrics", "get_metric", "query_metric_aggregates"],
        ["campaigns"] = ["get_campaigns", "get_campaign"],
        ["flows"] = ["get_flows", "get_flow", "update_flow_status"],
        ["reporting"] = ["query_campaign_values", "query_flow_values"],
        ["accounts"] = ["get_account"],
    };

    public static IEnumerable<string> ToolNames => All.Values.SelectMany(t => t);
}
