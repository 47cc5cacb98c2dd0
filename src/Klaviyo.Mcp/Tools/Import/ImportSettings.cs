namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Which folders import_events may read, and where it keeps checkpoints.</summary>
public sealed record ImportSettings(IReadOnlyList<string> Roots, string? StateDirectory)
{
    public static readonly string[] Extensions = [".csv", ".jsonl", ".json"];

    /// <summary>The default roots: the working directory and the user's home.</summary>
    public static IReadOnlyList<string> DefaultRoots() =>
        [.. new[] { Environment.CurrentDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) }.Where(r => r.Length > 0).Select(Path.GetFullPath).Distinct()];

    /// <summary>The file <paramref name="path"/> names, if it may be read: an existing .csv, .jsonl or .json file inside a root (links followed).</summary>
    public FileInfo Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new Validation.ToolArgumentException("path", "is required: the local .csv, .jsonl or .json file to import");
        }

        var full = Path.GetFullPath(path);
        if (!Extensions.Contains(Path.GetExtension(full), StringComparer.OrdinalIgnoreCase))
        {
            throw new Validation.ToolArgumentException("path", $"{Validation.IdentifierRules.Quote(path)} is not a .csv, .jsonl or .json file; only those are read");
        }

        var file = new FileInfo(full);
        if (!file.Exists)
        {
            throw new Validation.ToolArgumentException("path", $"{Validation.IdentifierRules.Quote(full)} does not exist");
        }

        var target = file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        if (!Roots.Any(root => target.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new Validation.ToolArgumentException("path",
                $"{Validation.IdentifierRules.Quote(full)} is outside the folders imports may read ({string.Join(", ", Roots)}); move the file there, or add its folder to KLAVIYO_IMPORT_ROOTS");
        }

        return new FileInfo(target);
    }
}
