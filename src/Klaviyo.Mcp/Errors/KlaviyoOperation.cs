namespace Klaviyo.Mcp.Errors;

/// <summary>What a tool's Klaviyo errors need to be explained: the tool's name, the key scopes it needs, and where its body's pointers lead.</summary>
public sealed record KlaviyoOperation(string ToolName, string RequiredScopes, ArgumentPointerMap Pointers);
