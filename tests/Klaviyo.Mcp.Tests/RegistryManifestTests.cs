using System.Reflection;
using Klaviyo.Testing;
using System.Text.Json.Nodes;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// <c>.mcp/server.json</c>, which MCP registries read from the package: the rules of the registry's 2025-09-29 schema that
/// this file can break, and agreement with the server it describes.
/// </summary>
public sealed class RegistryManifestTests
{
    private static readonly JsonNode s_manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Klaviyo.Mcp", ".mcp", "server.json")))!;

    [Fact]
    public void The_manifest_keeps_the_registry_schema_rules()
    {
        Assert.Equal("https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json", (string?)s_manifest["$schema"]);
        Assert.Matches("^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$", (string?)s_manifest["name"]);
        var description = (string?)s_manifest["description"];
        Assert.InRange(description?.Length ?? 0, 1, 100);

        var package = Assert.Single(s_manifest["packages"]!.AsArray())!;
        var allowed = new[] { "registryType", "registryBaseUrl", "identifier", "version", "fileSha256", "runtimeHint", "transport", "runtimeArguments", "packageArguments", "environmentVariables" };
        Assert.All(package.AsObject(), p => Assert.Contains(p.Key, allowed));
        Assert.Equal("nuget", (string?)package["registryType"]);
        Assert.Equal("stdio", (string?)package["transport"]!["type"]);
        foreach (var variable in package["environmentVariables"]!.AsArray())
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)variable!["name"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)variable["description"]));
            Assert.Contains((string?)variable["format"], new[] { "string", "number", "boolean", "filepath" });
        }
    }

    [Fact]
    public void The_manifest_describes_this_package_and_every_variable_the_server_reads()
    {
        var package = s_manifest["packages"]![0]!;
        Assert.Equal("Klaviyo.Mcp", (string?)package["identifier"]);
        Assert.Equal(ServerSettings.ServerVersion, (string?)s_manifest["version"]);
        Assert.Equal(ServerSettings.ServerVersion, (string?)package["version"]);

        var declared = package["environmentVariables"]!.AsArray().ToDictionary(v => (string)v!["name"]!);
        var read = typeof(ServerSettings).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Variable", StringComparison.Ordinal) && f.Name != nameof(ServerSettings.AlternateApiKeyVariable))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(read.Order(StringComparer.Ordinal), declared.Keys.Order(StringComparer.Ordinal));

        var key = declared[ServerSettings.ApiKeyVariable]!;
        Assert.True((bool?)key["isRequired"]);
        Assert.True((bool?)key["isSecret"]);
        Assert.All(declared.Where(d => d.Key != ServerSettings.ApiKeyVariable), d => Assert.NotEqual(true, (bool?)d.Value!["isRequired"]));
    }
}
