using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Output;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// The server lists its tools and prompts from the manifest files (src/Klaviyo.Mcp/Manifest) and has the SDK build each function on
/// first use. Every file must be exactly what the SDK generates from its C# method, and tools/list and prompts/list must serve
/// exactly the files. <c>UPDATE_TOOLSNAPS=true</c> rewrites the files (and deletes stale ones) instead of comparing.
/// </summary>
public sealed class ToolManifestTests
{
    private static readonly string s_manifest = Path.Combine(RepositoryPaths.Root, "src", "Klaviyo.Mcp", "Manifest");

    private static readonly JsonSerializerOptions s_written = new(McpJsonUtilities.DefaultOptions)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task Tool_entries_are_what_the_sdk_generates_and_what_tools_list_serves()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);
        var generated = Methods<McpServerToolTypeAttribute, McpServerToolAttribute>()
            .Select(m => (m.Type, (object)ToolManifest.Listed(McpServerTool.Create(m.Method, _ => throw new NotSupportedException(), ToolManifest.ToolOptions(mcp.Services, McpJson.Options)).ProtocolTool)))
            .ToList();

        await AssertManifestAsync("Tools", generated, t => ((ModelContextProtocol.Protocol.Tool)t).Name);

        var served = await mcp.Client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await AssertServedAsync("Tools", served.Select(t => (t.Name, (object)t.ProtocolTool)).ToList(), generated.Count);
    }

    [Fact]
    public async Task Prompt_entries_are_what_the_sdk_generates_and_what_prompts_list_serves()
    {
        using var stub = new KlaviyoStub();
        await using var mcp = await McpHarness.StartAsync(stub);
        var generated = Methods<McpServerPromptTypeAttribute, McpServerPromptAttribute>()
            .Select(m => (m.Type, (object)McpServerPrompt.Create(m.Method, target: null, ToolManifest.PromptOptions(mcp.Services, McpJson.Options)).ProtocolPrompt))
            .ToList();

        await AssertManifestAsync("Prompts", generated, p => ((ModelContextProtocol.Protocol.Prompt)p).Name);

        var served = await mcp.Client.ListPromptsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await AssertServedAsync("Prompts", served.Select(p => (p.Name, (object)p.ProtocolPrompt)).ToList(), generated.Count);
    }

    /// <summary>
    /// Each tool's toolset is the API area of the operation its [ToolOperation] names (the api tools: their own toolset).
    /// The derivation is written to Manifest/toolsets.json, which the server reads at start-up without the operation catalogue.
    /// </summary>
    /// <summary>
    /// A curated tool's annotations say what its operation does in the catalogue: destructive exactly when the operation
    /// is (drafts-only and confirmation follow from it), read-only exactly when it reads.
    /// </summary>
    [Fact]
    public void Tool_annotations_follow_the_access_of_their_operations()
    {
        var tools = Methods<McpServerToolTypeAttribute, McpServerToolAttribute>()
            .Select(m => (Tool: m.Method.GetCustomAttribute<McpServerToolAttribute>()!, Operation: m.Method.GetCustomAttribute<ToolOperationAttribute>()!.OperationId))
            .Where(t => t.Operation != ToolOperationAttribute.WholeApi)
            .ToList();

        Assert.NotEmpty(tools);
        Assert.All(tools, t =>
        {
            var access = Klaviyo.Client.Operations.OperationCatalog.Default.Find(t.Operation)!.Access;
            // Destructive means something only for a tool that is not read-only (the SDK's default for it is true).
            var destructive = !t.Tool.ReadOnly && t.Tool.Destructive;
            Assert.True(destructive == (access == Klaviyo.Client.Operations.OperationAccess.Destructive), $"{t.Tool.Name}: destructive = {destructive}, but {t.Operation} is {access}");
            Assert.True(t.Tool.ReadOnly == (access == Klaviyo.Client.Operations.OperationAccess.Read), $"{t.Tool.Name}: ReadOnly = {t.Tool.ReadOnly}, but {t.Operation} is {access}");
        });
    }

    [Fact]
    public async Task Toolsets_are_the_API_areas_of_the_tools_operations()
    {
        var tools = ToolMethods();
        Assert.All(tools, t => Assert.True(t.Operation is not null, $"{t.Name} has no [ToolOperation(\"operation_id\")]: name the Klaviyo operation it performs"));

        var toolsets = tools
            .GroupBy(t => ToolsetOf(t.Name, t.Operation!), t => t.Name)
            .OrderBy(g => g.Key == Toolsets.Api).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"  \"{g.Key}\": [{string.Join(", ", g.Select(n => $"\"{n}\""))}]");
        var text = "{\n" + string.Join(",\n", toolsets) + "\n}\n";

        var path = Path.Combine(s_manifest, "toolsets.json");
        if (Environment.GetEnvironmentVariable("UPDATE_TOOLSNAPS") == "true")
        {
            await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
            return;
        }

        Assert.True(text == (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n"),
            $"Manifest/toolsets.json is not what the tools' operations give: run the tests with UPDATE_TOOLSNAPS=true and commit it.\nNow:\n{text}");
        Assert.Equal(tools.Select(t => t.Name).Order(StringComparer.Ordinal), Toolsets.ToolNames.Order(StringComparer.Ordinal));
    }

    /// <summary>The tool methods in a stable order (by class, then as written), each with its tool name and the operation its [ToolOperation] names.</summary>
    internal static List<(Type Type, MethodInfo Method, string Name, string? Operation)> ToolMethods() =>
        Methods<McpServerToolTypeAttribute, McpServerToolAttribute>()
            .OrderBy(m => m.Type.Name, StringComparer.Ordinal).ThenBy(m => m.Method.MetadataToken)
            .Select(m => (m.Type, m.Method, m.Method.GetCustomAttribute<McpServerToolAttribute>()!.Name!, m.Method.GetCustomAttribute<ToolOperationAttribute>()?.OperationId))
            .ToList();

    /// <summary>A tool's toolset: the API area of the operation it names, or <c>api</c> for the tools that reach every operation. README's tools table groups by it too.</summary>
    internal static string ToolsetOf(string tool, string operationId)
    {
        if (operationId == ToolOperationAttribute.WholeApi)
        {
            return Toolsets.Api;
        }

        var operation = Klaviyo.Client.Operations.OperationCatalog.Default.Find(operationId);
        Assert.True(operation is { ClientSide: false }, $"{tool} names {operationId}, which is not a server-side operation of the catalogue");
        return Toolsets.Areas[operation!.Tag];
    }

    [Fact]
    public async Task Concurrent_first_calls_of_a_manifest_tool_all_reach_its_function()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/lists", 200, """{"data":[],"links":{}}""");
        await using var mcp = await McpHarness.StartAsync(stub);

        var calls = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => mcp.CallAsync("get_lists", "{}")));

        Assert.All(calls, result => Assert.Equal("""{"items":[]}""", result.AssertSuccess().Text()));
        Assert.Equal(4, stub.Requests.Count);
        Assert.IsType<ManifestTool>(mcp.Services.GetServices<McpServerTool>().Single(t => t.ProtocolTool.Name == "get_lists"));
    }

    /// <summary>The server's tool (or prompt) methods: what the manifest files and README's tools table are generated from.</summary>
    internal static IEnumerable<(Type Type, MethodInfo Method)> Methods<TTypeAttribute, TMethodAttribute>()
        where TTypeAttribute : Attribute
        where TMethodAttribute : Attribute =>
        from type in typeof(KlaviyoMcpServer).Assembly.GetTypes()
        where type.GetCustomAttribute<TTypeAttribute>() is not null
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
        where method.GetCustomAttribute<TMethodAttribute>() is not null
        select (type, method);

    private static async Task AssertManifestAsync(string kind, List<(Type Type, object Entry)> generated, Func<object, string> nameOf)
    {
        var update = Environment.GetEnvironmentVariable("UPDATE_TOOLSNAPS") == "true";
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (type, entry) in generated)
        {
            var text = JsonSerializer.Serialize(entry, entry.GetType(), s_written) + "\n";
            var path = Path.Combine(s_manifest, kind, type.Name, nameOf(entry) + ".json");
            files.Add(path);
            if (update)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
                continue;
            }

            Assert.True(File.Exists(path), $"{nameOf(entry)} has no manifest entry: run the tests with UPDATE_TOOLSNAPS=true and review the new file");
            Assert.True(
                JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)), JsonNode.Parse(text)),
                $"{nameOf(entry)}'s public description changed. If that is intended, run the tests with UPDATE_TOOLSNAPS=true and commit {path}.\nNow:\n{text}");
        }

        var stale = Directory.EnumerateFiles(Path.Combine(s_manifest, kind), "*.json", SearchOption.AllDirectories).Where(f => !files.Contains(f)).ToList();
        if (update)
        {
            stale.ForEach(File.Delete);
            return;
        }

        Assert.True(stale.Count == 0, $"manifest entries with no method behind them: {string.Join(", ", stale)}");
    }

    /// <summary>
    /// The server serves exactly the manifest files, both ways: a tool renamed, removed or left unregistered fails here (the
    /// files themselves are held to the methods above), so the names need no hand-kept list.
    /// </summary>
    private static async Task AssertServedAsync(string kind, List<(string Name, object Entry)> served, int expected)
    {
        var files = Directory.EnumerateFiles(Path.Combine(s_manifest, kind), "*.json", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(files, served.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(expected, served.Count);
        foreach (var (name, entry) in served)
        {
            var file = Directory.EnumerateFiles(Path.Combine(s_manifest, kind), name + ".json", SearchOption.AllDirectories).Single();
            Assert.True(
                JsonNode.DeepEquals(
                    JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)),
                    JsonNode.Parse(JsonSerializer.Serialize(entry, entry.GetType(), s_written))),
                $"the server serves {name} differently from {file}");
        }
    }
}
