using Klaviyo.Client.Operations;

namespace Klaviyo.Mcp.Errors;

/// <summary>
/// What a tool's Klaviyo call is, for explaining its errors: the tool's name, the operation of Klaviyo's API it calls
/// (its scopes come from the operation catalogue, as its rate-limit bucket does), where its body's pointers lead, and
/// which argument each query parameter comes from.
/// </summary>
public sealed record KlaviyoOperation(string ToolName, string OperationId, ArgumentPointerMap Pointers, IReadOnlyDictionary<string, string>? Parameters = null)
{
    /// <summary>The key scopes the operation needs, from the catalogue (looked up only when an error needs them).</summary>
    public string RequiredScopes => OperationId.Length > 0 && OperationCatalog.Default.Find(OperationId) is { } operation
        ? string.Join(" and ", operation.Scopes)
        : "";

    /// <summary>An operation that sends no body.</summary>
    public static KlaviyoOperation Read(string toolName, string operationId, IReadOnlyDictionary<string, string>? parameters = null) =>
        new(toolName, operationId, new ArgumentPointerMap(), parameters);
}
