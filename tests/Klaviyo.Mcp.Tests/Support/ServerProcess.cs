using System.Diagnostics;
using System.Reflection;
using Klaviyo.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>Where the built server is, and how to start it as a client would.</summary>
internal static class ServerProcess
{
    private static readonly string s_configuration =
        typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The server built alongside these tests (same configuration).</summary>
    public static string Dll { get; } = Path.Combine(RepositoryPaths.Root, "src", "Klaviyo.Mcp", "bin", s_configuration, "net10.0", "Klaviyo.Mcp.dll");

    /// <summary>The variables a test server runs with: only what the test gives, nothing inherited from the test runner's Klaviyo settings.</summary>
    public static Dictionary<string, string?> Environment(KlaviyoStub stub, string logLevel = "Information") => Environment(stub.Url, logLevel);

    /// <summary>The same, for a Klaviyo at <paramref name="klaviyo"/>.</summary>
    public static Dictionary<string, string?> Environment(Uri klaviyo, string logLevel = "Information") => new()
    {
        [ServerSettings.ApiKeyVariable] = KlaviyoStub.ApiKey,
        [ServerSettings.AlternateApiKeyVariable] = null,
        [ServerSettings.BaseUrlVariable] = klaviyo.AbsoluteUri,
        [ServerSettings.LogLevelVariable] = logLevel,
        [ServerSettings.RevisionVariable] = null,
    };

    public static Process Start(IDictionary<string, string?> environment)
    {
        Assert.True(File.Exists(Dll), $"the server is not built at {Dll}");
        var start = new ProcessStartInfo("dotnet", [Dll])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
