namespace Klaviyo.Mcp.Errors;

/// <summary>A tool could not do what was asked, for a reason it explains in full (e.g. a duplicate profile, with its id).</summary>
public sealed class ToolFailureException(string message) : Exception(message);
