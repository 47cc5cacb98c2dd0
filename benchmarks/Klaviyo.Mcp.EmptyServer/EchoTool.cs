using System.ComponentModel;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.EmptyServer;

/// <summary>The empty server's one tool.</summary>
[McpServerToolType]
public sealed class EchoTool
{
    [McpServerTool(Name = "echo"), Description("Echoes the message back.")]
    public static string Echo(string message) => message;
}
