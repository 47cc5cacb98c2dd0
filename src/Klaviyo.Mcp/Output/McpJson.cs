using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// The serializer options the tools run with: this server's source-generated types first, then the SDK's,
/// and an encoder that leaves non-ASCII text and '+' as they are.
/// </summary>
public static class McpJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The same contract as <paramref name="typeInfo"/>, bound to <see cref="Options"/> (and so to its encoder).</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonTypeInfo<T> typeInfo) =>
        ReferenceEquals(typeInfo.Options, Options) ? typeInfo : (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,

            // A source-generated context resolving for foreign options uses those options' policies, so they are set here too.
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.TypeInfoResolverChain.Insert(0, ToolJsonContext.Default);
        options.MakeReadOnly();
        return options;
    }
}
