using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

internal static class ToolResultText
{
    /// <summary>The concatenated text content of a tool result.</summary>
    public static string Text(this CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>Fails with the result's text unless the call succeeded (isError absent or false).</summary>
    public static CallToolResult AssertSuccess(this CallToolResult result)
    {
        Assert.True(result.IsError is null or false, "tool returned an error: " + result.Text());
        return result;
    }
}
