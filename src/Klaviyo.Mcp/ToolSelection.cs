using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp;

/// <summary>
/// Which tools this server offers: all, or some toolsets, or an exact list, and in read-only mode only the read-only
/// ones. Tools left out are hidden from tools/list and refused at call time too.
/// </summary>
public sealed record ToolSelection(bool ReadOnly, IReadOnlySet<string>? Tools)
{
    public static readonly ToolSelection Everything = new(false, null);

    public bool Allows(Tool tool) => (Tools is null || Tools.Contains(tool.Name)) && (!ReadOnly || tool.Annotations?.ReadOnlyHint == true);

    /// <summary>Why <paramref name="tool"/> is refused.</summary>
    public string Refusal(string tool) => Tools is not null && !Tools.Contains(tool)
        ? $"{tool} is not enabled on this server (it was started with --toolsets or --tools that leave it out)."
        : $"{tool} changes data in Klaviyo, and this server runs in read-only mode (--read-only or KLAVIYO_READ_ONLY=true).";

    /// <summary>From <c>--toolsets</c>/<c>KLAVIYO_TOOLSETS</c> and <c>--tools</c>/<c>KLAVIYO_TOOLS</c>; unknown names are problems that list the valid ones.</summary>
    public static ToolSelection From(bool readOnly, string? toolsets, string? tools, List<string> problems)
    {
        HashSet<string>? selected = null;
        if (!string.IsNullOrWhiteSpace(toolsets))
        {
            selected = [];
            foreach (var name in Split(toolsets))
            {
                if (Toolsets.All.TryGetValue(name, out var members))
                {
                    selected.UnionWith(members);
                }
                else
                {
                    problems.Add($"unknown toolset \"{name}\"; the toolsets are {string.Join(", ", Toolsets.All.Keys)}");
                }
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

        return new ToolSelection(readOnly, selected);
    }

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
