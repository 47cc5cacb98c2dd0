namespace Klaviyo.Mcp.Errors;

/// <summary>
/// What a tool's Klaviyo errors need to be explained: the tool's name, the key scopes it needs, where its body's
/// pointers lead, and which argument each query parameter comes from.
/// </summary>
public sealed record KlaviyoOperation(string ToolName, string RequiredScopes, ArgumentPointerMap Pointers, IReadOnlyDictionary<string, string>? Parameters = null)
{
    /// <summary>An operation that sends no body.</summary>
    public static KlaviyoOperation Read(string toolName, string requiredScopes, IReadOnlyDictionary<string, string>? parameters = null) =>
        new(toolName, requiredScopes, new ArgumentPointerMap(), parameters);
}
