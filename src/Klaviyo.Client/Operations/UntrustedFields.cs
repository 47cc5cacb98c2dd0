namespace Klaviyo.Client.Operations;

/// <summary>
/// Which attributes of which Klaviyo resources hold text written by people outside the account (signup forms,
/// storefronts, review widgets): classified by field, not by content, wherever the resource appears (a curated tool,
/// call_operation, or a resource included in another). The one table: the server sanitizes these values and marks them
/// as data before they reach an agent, or leaves them out where user content is not allowed.
/// <para>Not untrusted: ids and identifiers the agent must use verbatim (email, phone_number, external_id), dates,
/// subscriptions, predictive analytics, location timezone, ip and coordinates, the account's own names (metrics, lists,
/// segments, campaigns, flows, templates) and template HTML, catalog items, a review's public_reply and product.</para>
/// </summary>
public static class UntrustedFields
{
    /// <summary>
    /// By JSON:API resource type, the attribute paths ('/'-separated below the attributes) whose value, and everything
    /// under it (keys included), is untrusted.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ByType { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["profile"] =
        [
            "first_name", "last_name", "organization", "title", "image",
            "location/address1", "location/address2", "location/city", "location/region", "location/country", "location/zip",
            "properties",
        ],
        ["event"] = ["event_properties"],
        ["review"] = ["title", "content", "author", "smart_quote", "images"],
    };

}
