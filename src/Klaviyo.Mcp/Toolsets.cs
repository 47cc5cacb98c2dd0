namespace Klaviyo.Mcp;

/// <summary>The toolsets users choose from (<c>--toolsets</c>), and which tools each holds: the one place tools are grouped.</summary>
public static class Toolsets
{
    /// <summary>The toolset of the three tools that reach the whole API (find_operations, describe_operation, call_operation).</summary>
    public const string Api = "api";

    public static IReadOnlyDictionary<string, string[]> All { get; } = new Dictionary<string, string[]>
    {
        ["events"] = ["create_event", "bulk_create_events", "import_events", "get_events", "get_event"],
        ["profiles"] = ["get_profiles", "get_profile", "create_profile", "update_profile", "create_or_update_profile", "subscribe_profiles", "unsubscribe_profiles", "suppress_profiles", "unsuppress_profiles", "import_profiles"],
        ["lists"] = ["get_lists", "get_list", "create_list", "update_list", "delete_list", "add_profiles_to_list", "remove_profiles_from_list", "get_profiles_for_list"],
        ["segments"] = ["get_segments", "get_segment", "get_profiles_for_segment"],
        ["metrics"] = ["get_metrics", "get_metric", "query_metric_aggregates"],
        ["campaigns"] = ["get_campaigns", "get_campaign", "create_campaign", "update_campaign", "update_campaign_message", "clone_campaign", "delete_campaign", "estimate_campaign_recipients", "send_campaign", "cancel_campaign_send"],
        ["templates"] = ["get_templates", "get_template", "create_template", "update_template", "clone_template", "render_template", "delete_template"],
        ["images"] = ["upload_image_from_url", "upload_image_from_file"],
        ["flows"] = ["get_flows", "get_flow", "update_flow_status"],
        ["reporting"] = ["query_campaign_values", "query_flow_values"],
        ["accounts"] = ["get_account"],
        ["coupons"] = ["get_coupons", "create_coupon", "get_coupon_codes", "generate_coupon_codes"],
        ["catalogs"] = ["get_catalog_items", "get_catalog_item", "get_catalog_categories"],
        [Api] = ["find_operations", "describe_operation", "call_operation"],
    };

    /// <summary>Areas whose curated tools cover only part of the area (catalog writes, coupon updates): naming one also brings the api tools.</summary>
    public static IReadOnlySet<string> PartlyCurated { get; } = new HashSet<string>(StringComparer.Ordinal) { "coupons", "catalogs" };

    /// <summary>
    /// Klaviyo's API areas (the spec's tags) and the toolset name each answers to. A toolset named here limits the
    /// areas call_operation reaches; areas without curated tools (catalogs, coupons, tags...) are toolsets of their own.
    /// The spec's Client area (browser and app calls with a public key) is not callable here. A test holds this list
    /// equal to the operation catalogue's tags.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Areas { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Accounts"] = "accounts",
        ["Campaigns"] = "campaigns",
        ["Catalogs"] = "catalogs",
        ["Conversations"] = "conversations",
        ["Coupons"] = "coupons",
        ["Custom Objects"] = "custom_objects",
        ["Data Privacy"] = "data_privacy",
        ["Events"] = "events",
        ["Flows"] = "flows",
        ["Forms"] = "forms",
        ["Images"] = "images",
        ["Lists"] = "lists",
        ["Metrics"] = "metrics",
        ["Profiles"] = "profiles",
        ["Reporting"] = "reporting",
        ["Reviews"] = "reviews",
        ["Segments"] = "segments",
        ["Tags"] = "tags",
        ["Templates"] = "templates",
        ["Tracking Settings"] = "tracking_settings",
        ["Web Feeds"] = "web_feeds",
        ["Webhooks"] = "webhooks",
    };

    public static IEnumerable<string> ToolNames => All.Values.SelectMany(t => t);

    /// <summary>Every name <c>--toolsets</c> accepts: the toolsets of tools and the API areas.</summary>
    public static IEnumerable<string> Names => All.Keys.Union(Areas.Values).Order(StringComparer.Ordinal);
}
