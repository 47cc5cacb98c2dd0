namespace Klaviyo.Mcp.Access;

/// <summary>
/// What one source restricts: the server's own settings (flags and environment variables), or one caller's (a team
/// token over HTTP). <see cref="AccessPolicy"/> combines the server's and the caller's and decides from them.
/// </summary>
/// <param name="ReadOnly">Only reads: no tool or operation that changes data.</param>
/// <param name="DraftsOnly">Nothing irreversible and nothing that reaches people: no sends, flows going live, deletes, unsubscribes or suppressions.</param>
/// <param name="Tools">The tools chosen by toolset or by name; null: every tool.</param>
/// <param name="Areas">The API areas call_operation may reach (from toolsets naming areas); null: every area.</param>
/// <param name="NoUserContent">No values written by people outside the account: the tools that exist to read them are not offered, and every other result leaves them out.</param>
public sealed record AccessRestrictions(bool ReadOnly = false, bool DraftsOnly = false, IReadOnlySet<string>? Tools = null, IReadOnlySet<string>? Areas = null, bool NoUserContent = false)
{
    public static readonly AccessRestrictions None = new();

    /// <summary>Whether this restricts anything at all.</summary>
    public bool RestrictsAnything => ReadOnly || DraftsOnly || Tools is not null || Areas is not null || NoUserContent;

    /// <summary>
    /// From the read-only and drafts-only switches, <c>--toolsets</c>/<c>KLAVIYO_TOOLSETS</c> (or a token's <c>toolsets</c>)
    /// and <c>--tools</c>/<c>KLAVIYO_TOOLS</c>; unknown names are problems that list the valid ones. API areas named in
    /// the toolsets limit call_operation to those areas; naming none (only <c>api</c>, say) leaves every area.
    /// </summary>
    public static AccessRestrictions From(bool readOnly, bool draftsOnly, string? toolsets, string? tools, List<string> problems, bool noUserContent = false)
    {
        HashSet<string>? selected = null;
        HashSet<string>? areas = null;
        if (!string.IsNullOrWhiteSpace(toolsets))
        {
            selected = [];
            areas = [];
            var areaNames = Toolsets.Areas.Values.ToHashSet(StringComparer.Ordinal);
            foreach (var name in Split(toolsets))
            {
                var known = false;
                if (Toolsets.All.TryGetValue(name, out var members))
                {
                    selected.UnionWith(members);
                    known = true;
                }

                if (areaNames.Contains(name))
                {
                    areas.Add(name);
                    known = true;
                }

                if (!known)
                {
                    problems.Add($"unknown toolset \"{name}\"; the toolsets are {string.Join(", ", Toolsets.Names)}");
                }
            }

            if (areas.Any(a => !Toolsets.All.ContainsKey(a) || Toolsets.PartlyCurated.Contains(a)))
            {
                // An area without curated tools (tags, say) is reached only through the api tools; so are the rest of a partly curated one.
                selected.UnionWith(Toolsets.All[Toolsets.Api]);
            }

            if (areas.Count == 0)
            {
                areas = null;
            }
        }

        if (!string.IsNullOrWhiteSpace(tools))
        {
            selected ??= [];
            var known = Toolsets.ToolNames.ToHashSet();
            foreach (var name in Split(tools))
            {
                if (known.Contains(name))
                {
                    selected.Add(name);
                }
                else
                {
                    problems.Add($"unknown tool \"{name}\"; the tools are {string.Join(", ", Toolsets.ToolNames.Order(StringComparer.Ordinal))}");
                }
            }
        }

        return new AccessRestrictions(readOnly, draftsOnly, selected, areas, noUserContent);
    }

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
