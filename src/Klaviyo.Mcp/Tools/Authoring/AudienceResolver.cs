using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Authoring;

/// <summary>
/// Turns campaign audiences, each a list or segment id or an exact name (ignoring case), into ids with their names.
/// The account's lists and segments are read once per call (names only). An unknown or ambiguous name is an argument
/// error that lists the candidates.
/// </summary>
public sealed class AudienceResolver(KlaviyoClient klaviyo)
{
    private const int MaxScanned = 5_000;
    private List<Audience>? _all;

    /// <summary>The audiences <paramref name="items"/> names, in order and without repeats; null when <paramref name="items"/> is null.</summary>
    public async Task<List<Audience>?> ResolveAsync(string argument, string[]? items, CancellationToken cancellationToken)
    {
        if (items is null)
        {
            return null;
        }

        var all = await AllAsync(cancellationToken).ConfigureAwait(false);
        var errors = new ArgumentErrors();
        var resolved = new List<Audience>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i].Trim();
            var byId = all.Where(a => a.Id == item).ToList();
            var matches = byId.Count > 0 ? byId : all.Where(a => string.Equals(a.Name, item, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 1)
            {
                if (!resolved.Contains(matches[0]))
                {
                    resolved.Add(matches[0]);
                }
            }
            else if (matches.Count > 1)
            {
                errors.Add($"{argument}[{i}]", $"{matches.Count} lists and segments are named {IdentifierRules.Quote(item)} (ignoring case): {Describe(matches)}; give the id of the one you mean");
            }
            else
            {
                var similar = all.Where(a => a.Name.Contains(item, StringComparison.OrdinalIgnoreCase) || item.Contains(a.Name, StringComparison.OrdinalIgnoreCase)).Take(10).ToList();
                errors.Add($"{argument}[{i}]", similar.Count > 0
                    ? $"no list or segment has the id or name {IdentifierRules.Quote(item)}; similar names: {Describe(similar)}"
                    : $"no list or segment has the id or name {IdentifierRules.Quote(item)} (among {all.Count}); use get_lists or get_segments to see them");
            }
        }

        if (errors.Any)
        {
            throw new ToolArgumentException(errors.Violations);
        }

        return resolved;
    }

    /// <summary>The names of <paramref name="ids"/> where known (for a campaign read back from Klaviyo).</summary>
    public async Task<List<Audience>> DescribeAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var all = await AllAsync(cancellationToken).ConfigureAwait(false);
        return [.. ids.Select(id => all.FirstOrDefault(a => a.Id == id) ?? new Audience(id, "(unknown)", "unknown"))];
    }

    /// <summary>Argument rules for an audience array: each item a non-blank string.</summary>
    public static void Check(string argument, string[]? items, bool required, ArgumentErrors errors)
    {
        if (items is null)
        {
            if (required)
            {
                errors.Add(argument, "is required: list or segment ids or exact names");
            }

            return;
        }

        if (items.Length == 0 && required)
        {
            errors.Add(argument, "must name at least one list or segment");
        }

        for (var i = 0; i < items.Length; i++)
        {
            TextRules.Required($"{argument}[{i}]", items[i], errors);
        }
    }

    private async Task<List<Audience>> AllAsync(CancellationToken cancellationToken)
    {
        if (_all is not null)
        {
            return _all;
        }

        var all = new List<Audience>();
        await ScanAsync("list", ToolCallDescriptor.Read("audiences lookup (get_lists)", "get_lists"), (q, ct) => klaviyo.GetListsAsync(q, ct), all, cancellationToken).ConfigureAwait(false);
        await ScanAsync("segment", ToolCallDescriptor.Read("audiences lookup (get_segments)", "get_segments"), (q, ct) => klaviyo.GetSegmentsAsync(q, ct), all, cancellationToken).ConfigureAwait(false);
        return _all = all;
    }

    private static async Task ScanAsync(string type, ToolCallDescriptor operation, Func<KlaviyoQuery, CancellationToken, Task<JsonApiDocument>> fetch, List<Audience> into, CancellationToken cancellationToken)
    {
        string? cursor = null;
        var scanned = 0;
        do
        {
            var page = await KlaviyoCalls.RunAsync(operation, () => fetch(new KlaviyoQuery().Fields(type, ["name"]).Cursor(cursor), cancellationToken)).ConfigureAwait(false);
            foreach (var resource in page.Resources)
            {
                var id = resource.TryGetProperty("id", out var i) ? i.GetString() ?? "" : "";
                var name = resource.TryGetProperty("attributes", out var a) && a.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                into.Add(new Audience(id, name, type));
                scanned++;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null && scanned < MaxScanned);
    }

    private static string Describe(IEnumerable<Audience> audiences) =>
        string.Join(", ", audiences.Select(a => $"{IdentifierRules.Quote(a.Name)} ({a.Type} {a.Id})"));
}
