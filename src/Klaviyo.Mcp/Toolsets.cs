using System.Text.Json;

namespace Klaviyo.Mcp;

/// <summary>The toolsets users choose from (<c>--toolsets</c>), and which tools each holds: the one place tools are grouped.</summary>
public static class Toolsets
{
    /// <summary>The toolset of the three tools that reach the whole API (find_operations, describe_operation, call_operation).</summary>
    public const string Api = "api";

    /// <summary>The embedded file that holds each toolset's tools.</summary>
    public const string Resource = "manifest/toolsets.json";

    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> s_all = new(Load);

    /// <summary>
    /// Each toolset's tools, in the order the server's instructions list them. Derived, not kept by hand: a tool's toolset
    /// is the API area (<see cref="Areas"/>) of the operation its <see cref="Manifest.ToolOperationAttribute"/> names, and
    /// the three tools that reach every operation form <see cref="Api"/>. <c>ToolManifestTests</c> writes that derivation to
    /// <c>Manifest/toolsets.json</c> (embedded, read at start-up without loading the operation catalogue) and holds it equal.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> All => s_all.Value;

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

    private static IReadOnlyDictionary<string, string[]> Load()
    {
        using var stream = typeof(Toolsets).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"{Resource} is missing from the assembly.");
        using var document = JsonDocument.Parse(stream);
        var toolsets = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var toolset in document.RootElement.EnumerateObject())
        {
            toolsets[toolset.Name] = [.. toolset.Value.EnumerateArray().Select(t => t.GetString()!)];
        }

        return toolsets;
    }
}
