using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>README is the front door: the tables of its Tools section name every tool the server has, and no tool it does not.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void The_tools_tables_name_every_tool_and_only_tools()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme.SkipWhile(l => l != "## Tools").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).ToList();
        var named = new List<string>();
        for (var i = 0; i < section.Count; i++)
        {
            if (!section[i].StartsWith("| tool ", StringComparison.Ordinal))
            {
                continue;
            }

            // The rows after the header and its separator; each first cell names one or more tools ("`a` / `b`").
            for (i += 2; i < section.Count && section[i].StartsWith('|'); i++)
            {
                named.AddRange(section[i].Split('|')[1].Split('/').Select(cell => cell.Trim().Trim('`')));
            }
        }

        Assert.Equal(Toolsets.ToolNames.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }
}
