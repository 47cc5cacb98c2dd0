namespace Klaviyo.Mcp.Apps;

/// <summary>
/// One MCP Apps view: the <c>ui://</c> resource a report tool points to (<c>_meta.ui.resourceUri</c>), rendered by the host
/// beside the tool's result; <paramref name="Kind"/> (campaigns, flows or metrics) tells the views' one script what to draw.
/// </summary>
public sealed record AppView(string Uri, string Name, string Title, string Description, string Tool, string Kind);
