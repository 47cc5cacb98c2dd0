using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// The one place tool results are shaped: structured content plus the same JSON as compact text
/// (not indented; non-ASCII and '+' left unescaped, since escapes only cost the agent tokens).
/// </summary>
public static class ToolResults
{
    public static CallToolResult Success<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var text = JsonSerializer.Serialize(value, McpJson.TypeInfo(typeInfo));
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = JsonDocument.Parse(text).RootElement.Clone(),
        };
    }

    public static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };
}
