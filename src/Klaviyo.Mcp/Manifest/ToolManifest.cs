using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Klaviyo.Mcp.Prompts;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Manifest;

/// <summary>
/// The tools and prompts as clients see them (names, titles, descriptions, annotations, argument and output schemas): one JSON
/// file each under <c>Manifest/Tools/&lt;class&gt;/</c> and <c>Manifest/Prompts/&lt;class&gt;/</c>, embedded in the assembly.
/// The server lists them from these files and has the SDK build a function from its C# method on first use: building all of
/// them at startup (every schema derived by reflection) was four fifths of the Native AOT cold start.
/// <c>ToolManifestTests</c> holds every file equal to what the SDK generates from the method; after a deliberate change,
/// <c>UPDATE_TOOLSNAPS=true dotnet test</c> rewrites them.
/// </summary>
internal static class ToolManifest
{
    private const string Tools = "manifest/Tools/";
    private const string Prompts = "manifest/Prompts/";

    private static readonly string[] s_resources = typeof(ToolManifest).Assembly.GetManifestResourceNames();

    /// <summary>
    /// Like the SDK's <c>WithTools&lt;T&gt;()</c>, but listed from the manifest and built on first call.
    /// An instance of <typeparamref name="TTools"/> is created per call, from the request's services.
    /// </summary>
    public static IMcpServerBuilder WithManifestTools<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] TTools>(
        this IMcpServerBuilder builder, JsonSerializerOptions serializerOptions)
        where TTools : class
    {
        foreach (var resource in Entries(Tools, typeof(TTools)))
        {
            builder.Services.AddSingleton<McpServerTool>(services =>
            {
                var tool = Read(resource, (JsonTypeInfo<Tool>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Tool)));
                return new ManifestTool(tool, () =>
                {
                    // The constructor is found once, not on every call as ActivatorUtilities.CreateInstance would.
                    var create = ActivatorUtilities.CreateFactory<TTools>([]);
                    return McpServerTool.Create(
                        Method<TTools, McpServerToolAttribute>(tool.Name, a => a.Name),
                        request => create(request.Services ?? services, null),
                        ToolOptions(services, serializerOptions));
                });
            });
        }

        return builder;
    }

    /// <summary>Like the SDK's <c>WithPrompts&lt;T&gt;()</c> for static prompt methods, but listed from the manifest and built on first use.</summary>
    public static IMcpServerBuilder WithManifestPrompts<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] TPrompts>(
        this IMcpServerBuilder builder, JsonSerializerOptions serializerOptions)
        where TPrompts : class
    {
        foreach (var resource in Entries(Prompts, typeof(TPrompts)))
        {
            builder.Services.AddSingleton<McpServerPrompt>(services =>
            {
                var prompt = Read(resource, (JsonTypeInfo<Prompt>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Prompt)));
                var method = Method<TPrompts, McpServerPromptAttribute>(prompt.Name, a => a.Name);
                return new ManifestPrompt(
                    prompt,
                    method.GetCustomAttribute<PromptToolsAttribute>()?.Tools ?? [],
                    () => McpServerPrompt.Create(method, target: null, PromptOptions(services, serializerOptions)));
            });
        }

        return builder;
    }

    /// <summary>How the SDK is asked to build a tool from its method, here and in the tests that compare the manifest with it.</summary>
    public static McpServerToolCreateOptions ToolOptions(IServiceProvider services, JsonSerializerOptions serializerOptions) =>
        new() { Services = services, SerializerOptions = serializerOptions, SchemaCreateOptions = ToolSchemaCompaction.Options };

    /// <summary>
    /// A tool as tools/list shows it: as the SDK builds it from the method, without its display title (the SDK writes it
    /// twice, as <c>title</c> and in the annotations). Clients show the tool's name instead; the titles cost every agent's
    /// context about 3.5 KB, which the 40,000-byte budget needed for the tools themselves. The C# attributes keep the titles.
    /// </summary>
    public static Tool Listed(Tool tool)
    {
        tool.Title = null;
        if (tool.Annotations is { } annotations)
        {
            annotations.Title = null;
        }

        return tool;
    }

    /// <summary>How the SDK is asked to build a prompt from its method, here and in the tests that compare the manifest with it.</summary>
    public static McpServerPromptCreateOptions PromptOptions(IServiceProvider services, JsonSerializerOptions serializerOptions) =>
        new() { Services = services, SerializerOptions = serializerOptions };

    private static IEnumerable<string> Entries(string kind, Type type)
    {
        var folder = kind + type.Name + "/";
        return s_resources.Where(r => r.Replace('\\', '/').StartsWith(folder, StringComparison.Ordinal));
    }

    private static MethodInfo Method<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] T, TAttribute>(string name, Func<TAttribute, string?> nameOf)
        where TAttribute : Attribute =>
        typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .SingleOrDefault(m => m.GetCustomAttribute<TAttribute>() is { } attribute && nameOf(attribute) == name)
        ?? throw new InvalidOperationException($"The manifest lists {name} under {typeof(T).Name}, which has no such method.");

    private static T Read<T>(string resource, JsonTypeInfo<T> typeInfo)
    {
        using var stream = typeof(ToolManifest).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The manifest entry {resource} is missing from the assembly.");
        return JsonSerializer.Deserialize(stream, typeInfo) ?? throw new InvalidOperationException($"The manifest entry {resource} is empty.");
    }
}
