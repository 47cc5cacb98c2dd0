namespace Klaviyo.Mcp.Tools.Authoring;

/// <summary>One list or segment a campaign sends to or excludes.</summary>
public sealed record Audience(string Id, string Name, string Type);
