using System.Text.RegularExpressions;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Output;
using Klaviyo.Testing;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// README is the front door: its table of tools is generated from the tools' descriptors and the operation catalogue, by
/// the run that writes the tool snapshots (<c>UPDATE_TOOLSNAPS=true dotnet test</c>), and held equal otherwise.
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly string s_readme = Path.Combine(RepositoryPaths.Root, "README.md");

    [Fact]
    public async Task The_tools_table_is_generated_from_the_tools_and_the_operation_catalogue()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);
        var tools = ToolManifestTests.ToolMethods()
            .Select(m => (
                Toolset: ToolManifestTests.ToolsetOf(m.Name, m.Operation!),
                Tool: ToolManifest.Listed(McpServerTool.Create(m.Method, _ => throw new NotSupportedException(), ToolManifest.ToolOptions(mcp.Services, McpJson.Options)).ProtocolTool),
                OperationId: m.Operation!))
            .GroupBy(t => t.Toolset)
            .OrderBy(g => g.Key == Toolsets.Api).ThenBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g);
        var table = ReadmeToolTable.Render(tools);

        var readme = (await File.ReadAllTextAsync(s_readme, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n");
        var start = readme.IndexOf(ReadmeToolTable.Start, StringComparison.Ordinal);
        var end = readme.IndexOf(ReadmeToolTable.End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md has no {ReadmeToolTable.Start} ... {ReadmeToolTable.End} block for the tools table");
        var written = readme[..start] + table + readme[(end + ReadmeToolTable.End.Length)..];

        if (Environment.GetEnvironmentVariable("UPDATE_TOOLSNAPS") == "true")
        {
            await File.WriteAllTextAsync(s_readme, written, TestContext.Current.CancellationToken);
            return;
        }

        Assert.True(written == readme,
            $"README.md's tools table is not what the tools and the operation catalogue give: run UPDATE_TOOLSNAPS=true dotnet test and commit README.md.\nNow:\n{table}");
    }

    [Fact]
    public void README_is_short_and_every_link_of_the_documentation_reaches_a_file_and_heading()
    {
        var readme = File.ReadAllLines(s_readme);
        Assert.True(readme.Length <= 250, $"README.md has {readme.Length} lines: move details to docs/ and keep it at most 250");
        Assert.Contains("## Contents", readme);

        var documents = new[] { s_readme, Path.Combine(RepositoryPaths.Root, "CONTRIBUTING.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md"));
        foreach (var document in documents)
        {
            foreach (Match link in MarkdownLink().Matches(Prose(document)))
            {
                var target = link.Groups["path"].Value;
                var file = target.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, target));
                Assert.True(File.Exists(file), $"{Path.GetFileName(document)} links to {target}, which does not exist");
                if (link.Groups["anchor"].Success && file.EndsWith(".md", StringComparison.Ordinal))
                {
                    Assert.True(Anchors(file).Contains(link.Groups["anchor"].Value), $"{Path.GetFileName(document)} links to {link.Value}: {Path.GetFileName(file)} has no such heading");
                }
            }
        }
    }

    [Theory]
    [InlineData("Record one event (something a person did, e.g. Placed Order) on a profile. More.", "Record one event (something a person did, e.g. Placed Order) on a profile.")]
    [InlineData("Send a draft. Confirmed by the person first.", "Send a draft.")]
    [InlineData("One template.", "One template.")]
    [InlineData("No full stop", "No full stop")]
    [InlineData("Sizes, i.e. bytes, in 1.5 MB steps! Then.", "Sizes, i.e. bytes, in 1.5 MB steps!")]
    public void A_description_is_cut_after_its_first_sentence(string description, string first) =>
        Assert.Equal(first, ReadmeToolTable.FirstSentence(description));

    /// <summary>A markdown file without its fenced code blocks, where a # is a comment and brackets are code.</summary>
    private static string Prose(string file)
    {
        var fenced = false;
        return string.Join('\n', File.ReadAllLines(file).Where(line => !(fenced ^= line.StartsWith("```", StringComparison.Ordinal)) && !line.StartsWith("```", StringComparison.Ordinal)));
    }

    /// <summary>The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string file) =>
        Prose(file).Split('\n').Where(l => l.StartsWith('#'))
            .Select(l => NotInAnchor().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\]\((?<path>(?!https?:)[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"[^a-z0-9 _-]")]
    private static partial Regex NotInAnchor();
}
