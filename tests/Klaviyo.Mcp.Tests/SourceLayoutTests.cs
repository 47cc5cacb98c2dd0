using System.Text.RegularExpressions;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// One type per file: a file under src/ declares at most one top-level type, so a type is found by its file name.
/// Nested types are the owner's business; partial classes split over several files (KlaviyoClient.*.cs) declare one each.
/// </summary>
public sealed partial class SourceLayoutTests
{
    /// <summary>Files allowed more than one top-level type, each with the reason. None today.</summary>
    private static readonly Dictionary<string, string> s_allowed = new(StringComparer.Ordinal);

    [Fact]
    public void Every_source_file_declares_at_most_one_top_level_type()
    {
        var src = Path.Combine(RepositoryPaths.Root, "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(d => d is "bin" or "obj"))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} source files found under {src}");

        var offenders = files
            .Select(f => (File: Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'), Types: TopLevelTypes(File.ReadAllText(f))))
            .Where(f => f.Types.Count > 1 && !s_allowed.ContainsKey(f.File))
            .Select(f => $"{f.File}: {string.Join(", ", f.Types)}")
            .ToList();

        Assert.True(offenders.Count == 0, "One type per file; move each of these into a file of its own name:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_scan_sees_each_kind_of_top_level_declaration_and_not_nested_ones()
    {
        const string source = """
            namespace Sample;

            public sealed record Audience(string Id);
            internal static partial class Names
            {
                private sealed class Nested;
            }
            enum Kind { A }
            public readonly record struct Point(int X);
            internal interface IShape;
            """;

        Assert.Equal(["Audience", "Names", "Kind", "Point", "IShape"], TopLevelTypes(source));
    }

    /// <summary>The names of the types declared at column 0 (file-scoped namespaces put top-level types there).</summary>
    internal static List<string> TopLevelTypes(string source) =>
        [.. TopLevelDeclaration().Matches(source).Select(m => m.Groups["name"].Value)];

    [GeneratedRegex(@"^(?:(?:public|internal|file|sealed|static|abstract|partial|readonly)\s+)*(?:record\s+struct|record\s+class|class|record|struct|interface|enum|delegate\s+\S+)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelDeclaration();
}
