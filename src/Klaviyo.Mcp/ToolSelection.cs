using Klaviyo.Client.Operations;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp;

/// <summary>
/// Which tools this server offers: all, or some toolsets, or an exact list, and in read-only mode only the read-only
/// ones. Tools left out are hidden from tools/list and refused at call time too. The same selection limits the
/// operations call_operation reaches: the API areas named in <c>--toolsets</c>, and in read-only mode reads only.
/// </summary>
public sealed record ToolSelection(bool ReadOnly, IReadOnlySet<string>? Tools, IReadOnlySet<string>? Areas = null)
{
    public static readonly ToolSelection Everything = new(false, null);

    /// <summary>The tools drafts-only mode leaves out: they reach real people.</summary>
    public static readonly string[] SendingTools = ["send_campaign"];

    /// <summary>Drafts-only mode (<c>--drafts-only</c>): everything can be drafted and previewed; nothing is sent to people.</summary>
    public bool DraftsOnly { get; init; }

    /// <summary>Whether <paramref name="tool"/> may be called. In read-only mode call_operation stays: it then calls reads only.</summary>
    public bool Allows(Tool tool) => (Tools is null || Tools.Contains(tool.Name)) && !(DraftsOnly && SendingTools.Contains(tool.Name)) &&
        (!ReadOnly || tool.Annotations?.ReadOnlyHint == true || tool.Name == Klaviyo.Mcp.Tools.ApiTools.CallOperationName);

    /// <summary>
    /// <paramref name="tool"/> as tools/list shows it here, or null when it is left out. In read-only mode
    /// call_operation can only read, so it is listed as read-only: every tool a read-only server lists is read-only.
    /// </summary>
    public Tool? Present(Tool tool)
    {
        if (!Allows(tool))
        {
            return null;
        }

        if (!ReadOnly || tool.Name != Klaviyo.Mcp.Tools.ApiTools.CallOperationName)
        {
            return tool;
        }

        return new Tool
        {
            Name = tool.Name,
            Title = tool.Title,
            Description = tool.Description + " This server is read-only: only operations that read are called.",
            InputSchema = tool.InputSchema,
            OutputSchema = tool.OutputSchema,
            Icons = tool.Icons,
            Meta = tool.Meta,
            Annotations = new ToolAnnotations
            {
                Title = tool.Annotations?.Title,
                ReadOnlyHint = true,
                DestructiveHint = false,
                IdempotentHint = true,
                OpenWorldHint = tool.Annotations?.OpenWorldHint,
            },
        };
    }

    /// <summary>Why call_operation may not call <paramref name="operation"/> here; null when it may.</summary>
    public string? OperationRefusal(ApiOperation operation)
    {
        if (Areas is not null && (!Toolsets.Areas.TryGetValue(operation.Tag, out var area) || !Areas.Contains(area)))
        {
            return $"{operation.Id} is in the {operation.Tag} area, which this server was not started with (--toolsets {string.Join(",", Areas.Order(StringComparer.Ordinal))}).";
        }

        if (ReadOnly && operation.Access != OperationAccess.Read)
        {
            return $"{operation.Id} changes data in Klaviyo, and this server runs in read-only mode (--read-only or KLAVIYO_READ_ONLY=true).";
        }

        if (DraftsOnly && operation.Access == OperationAccess.Destructive)
        {
            return DraftsOnlyRefusal(operation.Id);
        }

        return null;
    }

    /// <summary>Why <paramref name="tool"/> is refused.</summary>
    public string Refusal(string tool) => Tools is not null && !Tools.Contains(tool)
        ? $"{tool} is not enabled on this server (it was started with --toolsets or --tools that leave it out)."
        : ReadOnly
            ? $"{tool} changes data in Klaviyo, and this server runs in read-only mode (--read-only or KLAVIYO_READ_ONLY=true)."
            : DraftsOnlyRefusal(tool);

    /// <summary>Why <paramref name="what"/> is refused in drafts-only mode.</summary>
    public static string DraftsOnlyRefusal(string what) =>
        $"{what} reaches real people or cannot be undone, and this server runs in drafts-only mode (--drafts-only or KLAVIYO_DRAFTS_ONLY=true): draft and preview here, send from Klaviyo.";

    /// <summary>
    /// From <c>--toolsets</c>/<c>KLAVIYO_TOOLSETS</c> and <c>--tools</c>/<c>KLAVIYO_TOOLS</c>; unknown names are problems that list the valid ones.
    /// API areas named in <c>--toolsets</c> limit call_operation to those areas; naming none (only <c>api</c>, say) leaves every area.
    /// </summary>
    public static ToolSelection From(bool readOnly, string? toolsets, string? tools, List<string> problems)
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

        return new ToolSelection(readOnly, selected, areas);
    }

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
