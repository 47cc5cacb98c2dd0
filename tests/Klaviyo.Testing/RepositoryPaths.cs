namespace Klaviyo.Testing;

/// <summary>Finds the repository root (the folder with Klaviyo.Mcp.sln) and ../shared beside it.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared reference folder; <c>KLAVIYO_SHARED_DIR</c> overrides the default <c>../shared</c>.</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("KLAVIYO_SHARED_DIR") is { Length: > 0 } overridden
            ? overridden
            : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string OpenApiSpec => Path.Combine(Shared, "klaviyo", "openapi", "stable.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Klaviyo.Mcp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Klaviyo.Mcp.sln not found above " + AppContext.BaseDirectory);
    }
}
