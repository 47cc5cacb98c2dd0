namespace Klaviyo.Mcp.Apps;

/// <summary>
/// One MCP Apps view: the <c>ui://</c> resource a report tool points to (<c>_meta.ui.resourceUri</c>), and the HTML page
/// (<paramref name="Page"/> under Apps/) the host renders beside the tool's result.
/// </summary>
public sealed record AppView(string Uri, string Name, string Title, string Description, string Tool, string Page);
