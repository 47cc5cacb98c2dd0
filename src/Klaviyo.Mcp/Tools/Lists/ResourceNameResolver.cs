using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Lists;

/// <summary>
/// Turns <c>list_name</c> (and later <c>segment_name</c>, <c>metric_name</c>) into an id: an exact name, ignoring case.
/// Klaviyo's <c>equals(name,...)</c> is case-sensitive, so an exact hit is tried first and the whole collection is
/// scanned only when that finds nothing. No match, or several, is an argument error that lists the candidates.
/// </summary>
public sealed class ResourceNameResolver(KlaviyoClient klaviyo)
{
    private const int MaxScanned = 5_000;

    /// <summary>Argument rules for an id-or-name pair; call it while validating, before anything is sent.</summary>
    public static void CheckReference(string idArgument, string? id, string nameArgument, string? name, bool required, ArgumentErrors errors)
    {
        var hasId = !string.IsNullOrWhiteSpace(id);
        var hasName = !string.IsNullOrWhiteSpace(name);
        if (hasId && hasName)
        {
            errors.Add(idArgument, $"give {idArgument} or {nameArgument}, not both");
        }
        else if (!hasId && !hasName && required)
        {
            errors.Add(idArgument, $"is required: give {idArgument}, or {nameArgument} to look the {idArgument[..^3]} up by its name");
        }
        else if (id is not null && !hasId)
        {
            errors.Add(idArgument, "must not be blank");
        }
        else if (name is not null && !hasName)
        {
            errors.Add(nameArgument, "must not be blank");
        }
    }

    /// <summary>The list <paramref name="listId"/> names, or the one called <paramref name="listName"/>; null when neither is given.</summary>
    public Task<string?> ListIdAsync(string? listId, string? listName, CancellationToken cancellationToken) =>
        ResolveAsync("list", "list_name", listId, listName, ToolCallDescriptor.Read("list_name lookup (get_lists)", "get_lists"),
            (query, ct) => klaviyo.GetListsAsync(query, ct), cancellationToken);

    /// <summary>The segment <paramref name="segmentId"/> names, or the one called <paramref name="segmentName"/>; null when neither is given.</summary>
    public Task<string?> SegmentIdAsync(string? segmentId, string? segmentName, CancellationToken cancellationToken) =>
        ResolveAsync("segment", "segment_name", segmentId, segmentName, ToolCallDescriptor.Read("segment_name lookup (get_segments)", "get_segments"),
            (query, ct) => klaviyo.GetSegmentsAsync(query, ct), cancellationToken);

    /// <summary>
    /// The coupon <paramref name="couponId"/> names, or the one called <paramref name="couponName"/> (a coupon's id is
    /// its name; found ignoring case); null when neither is given. An unknown name is an argument error that suggests
    /// the nearest names: nothing else is sent.
    /// </summary>
    public async Task<string?> CouponIdAsync(string? couponId, string? couponName, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(couponId))
        {
            return couponId.Trim();
        }

        if (string.IsNullOrWhiteSpace(couponName))
        {
            return null;
        }

        var name = couponName.Trim();
        var all = new List<string>();
        string? cursor = null;
        do
        {
            var page = await KlaviyoCalls.ReadAsync(klaviyo, "get_coupons", cancellationToken, cursor: cursor, toolName: "coupon_name lookup (get_coupons)").ConfigureAwait(false);
            var ids = page.Resources.Select(r => r.TryGetProperty("id", out var id) ? id.GetString() : null).OfType<string>().ToList();
            if (ids.Contains(name, StringComparer.Ordinal))
            {
                return name;
            }

            all.AddRange(ids);
            cursor = page.NextCursor;
        }
        while (cursor is not null && all.Count < MaxScanned);

        var matches = all.Where(id => string.Equals(id, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count > 1)
        {
            throw new ToolArgumentException("coupon_name",
                $"{matches.Count} coupons are named {IdentifierRules.Quote(name)} ignoring case: {string.Join(", ", matches.Select(IdentifierRules.Quote))}; give the one you mean as written",
                nothingSent: false);
        }

        var nearest = NameSuggestions.Nearest(name, all, 5);
        throw new ToolArgumentException("coupon_name",
            nearest.Count > 0
                ? $"no coupon is named {IdentifierRules.Quote(name)}; nearest names: {string.Join(", ", nearest.Select(IdentifierRules.Quote))}"
                : $"no coupon is named {IdentifierRules.Quote(name)} (among {all.Count} coupons); use get_coupons to see their names",
            nothingSent: false);
    }

    internal async Task<string?> ResolveAsync(
        string type,
        string nameArgument,
        string? id,
        string? name,
        ToolCallDescriptor operation,
        Func<KlaviyoQuery, CancellationToken, Task<JsonApiDocument>> fetch,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(id))
        {
            return id.Trim();
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var exact = await KlaviyoCalls.RunAsync(operation, () => fetch(new KlaviyoQuery().Filter(new KlaviyoFilter().Equal("name", name).ToString()).Fields(type, ["name"]), cancellationToken)).ConfigureAwait(false);
        var exactMatches = Named(exact).Where(r => r.Name == name).ToList();
        if (exactMatches.Count == 1)
        {
            return exactMatches[0].Id;
        }

        var all = exactMatches;
        if (exactMatches.Count == 0)
        {
            all = [];
            string? cursor = null;
            do
            {
                var page = await KlaviyoCalls.RunAsync(operation, () => fetch(new KlaviyoQuery().Fields(type, ["name"]).Cursor(cursor), cancellationToken)).ConfigureAwait(false);
                all.AddRange(Named(page));
                cursor = page.NextCursor;
            }
            while (cursor is not null && all.Count < MaxScanned);
        }

        var matches = all.Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return matches[0].Id;
        }

        if (matches.Count > 1)
        {
            throw new ToolArgumentException(nameArgument,
                $"{matches.Count} {type}s are named {IdentifierRules.Quote(name)} (ignoring case): {Describe(matches)}; give the {type}_id of the one you mean",
                nothingSent: false);
        }

        var similar = all.Where(r => r.Name.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(r.Name, StringComparison.OrdinalIgnoreCase)).Take(10).ToList();
        throw new ToolArgumentException(nameArgument,
            similar.Count > 0
                ? $"no {type} is named {IdentifierRules.Quote(name)}; similar names: {Describe(similar)}"
                : $"no {type} is named {IdentifierRules.Quote(name)} (among {all.Count} {type}s); use get_{type}s to see their names",
            nothingSent: false);
    }

    private static string Describe(IEnumerable<(string Id, string Name)> resources) =>
        string.Join(", ", resources.Select(r => $"{IdentifierRules.Quote(r.Name)} (id {r.Id})"));

    private static IEnumerable<(string Id, string Name)> Named(JsonApiDocument document) =>
        document.Resources
            .Where(r => r.TryGetProperty("id", out _))
            .Select(r => (r.GetProperty("id").GetString() ?? "",
                r.TryGetProperty("attributes", out var a) && a.TryGetProperty("name", out var n) ? n.GetString() ?? "" : ""));
}
