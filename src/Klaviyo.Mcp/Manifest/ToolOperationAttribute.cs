namespace Klaviyo.Mcp.Manifest;

/// <summary>
/// A tool's descriptor: the operation of Klaviyo's API (an id of the operation catalogue) the tool performs. The tool's
/// toolset is that operation's API area, and the server's instructions list it there; its scopes and rate-limit bucket
/// come from the same operation. <c>ToolManifestTests</c> derives <c>Manifest/toolsets.json</c> from these attributes, so a
/// new tool needs this attribute on its method and nothing else kept by hand.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ToolOperationAttribute(string operationId) : Attribute
{
    /// <summary>For the tools that reach every operation (find_operations, describe_operation, call_operation): the toolset <c>api</c>.</summary>
    public const string WholeApi = "*";

    public string OperationId { get; } = operationId;
}
