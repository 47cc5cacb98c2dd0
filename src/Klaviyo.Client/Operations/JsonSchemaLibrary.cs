using System.Runtime.CompilerServices;

namespace Klaviyo.Client.Operations;

/// <summary>
/// JsonSchema.Net registers its dialects and builds its meta-schemas in a module initializer, which Native AOT runs at
/// every start, before <c>Main</c>: about a quarter of the server's start-up page faults, for a library that only
/// <c>call_operation</c>'s body validation uses. The server's Native AOT build empties that module initializer
/// (src/Klaviyo.Mcp/ILLink.Substitutions.xml) and the validator runs the library's own initializer here, on first use.
/// It is idempotent: where the module initializer did run (the JIT build, the tests), this does nothing.
/// </summary>
internal static class JsonSchemaLibrary
{
    /// <summary>Makes sure the library's dialects and meta-schemas are registered (once; thread-safe).</summary>
    public static void EnsureInitialized() => Initialize(null);

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Initialize")]
    private static extern void Initialize([UnsafeAccessorType("Json.Schema.__ModuleInitialization, JsonSchema.Net")] object? library);
}
