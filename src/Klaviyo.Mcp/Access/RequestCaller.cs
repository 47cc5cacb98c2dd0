namespace Klaviyo.Mcp.Access;

/// <summary>
/// The caller of the current request (scoped): set by <c>serve</c>'s authentication before the MCP server sees the
/// request; over stdio nothing sets it and <see cref="Current"/> stays null.
/// </summary>
public sealed class RequestCaller
{
    public Caller? Current { get; set; }
}
