using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Apps;

/// <summary>
/// The MCP Apps extension (<c>io.modelcontextprotocol/ui</c>, spec 2026-01-26): a client declares it in its
/// capabilities; only then do the report tools carry <c>_meta.ui</c> and <c>resources/list</c> show the views. Every
/// other client sees the server as it was without it.
/// </summary>
public static class McpAppsExtension
{
    public const string Id = "io.modelcontextprotocol/ui";

    /// <summary>The one kind of view the extension defines, and the only one these views are.</summary>
    public const string MimeType = "text/html;profile=mcp-app";

    /// <summary>
    /// Whether <paramref name="capabilities"/> declare the extension with HTML views (the spec's <c>mimeTypes</c>,
    /// required; a declaration without it is taken as the HTML default, since it is the only type the spec defines).
    /// </summary>
    public static bool DeclaredBy(ClientCapabilities? capabilities)
    {
        if (capabilities?.Extensions is not { } extensions || !extensions.TryGetValue(Id, out var settings))
        {
            return false;
        }

        var node = settings switch
        {
            null => null,
            JsonNode n => n,
            JsonElement e => JsonNode.Parse(e.GetRawText()),
            _ => null,
        };
        return node is not JsonObject declared || declared["mimeTypes"] is not JsonArray types ||
               types.Any(t => t is JsonValue v && v.TryGetValue<string>(out var type) && string.Equals(type, MimeType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The server's capabilities with the extension declared (the same key the client sends, with the type of view served).</summary>
    public static void Declare(ServerCapabilities capabilities)
    {
        capabilities.Extensions ??= new Dictionary<string, object>();
        capabilities.Extensions[Id] = new JsonObject { ["mimeTypes"] = new JsonArray(MimeType) };
    }

    /// <summary>
    /// An outgoing message filter: the server's capabilities (in the answer to <c>initialize</c>, or to
    /// <c>server/discover</c>) name the extension, and the resources that serve its views, only to a client that declared
    /// the extension; every other client sees the capabilities it saw before MCP Apps.
    /// </summary>
    public static McpMessageHandler OnlyForDeclaringClients(McpMessageHandler next) => (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcResponse { Result: JsonObject result } &&
            result["capabilities"] is JsonObject capabilities && (result.ContainsKey("protocolVersion") || result.ContainsKey("supportedVersions")) &&
            !DeclaredBy(context.Server.ClientCapabilities))
        {
            if (capabilities["extensions"] is JsonObject extensions)
            {
                extensions.Remove(Id);
                if (extensions.Count == 0)
                {
                    capabilities.Remove("extensions");
                }
            }

            capabilities.Remove("resources");
        }

        return next(context, cancellationToken);
    };

    /// <summary>
    /// <paramref name="tool"/> as a client with the extension sees it: a copy carrying <c>_meta.ui</c> (its view, visible to
    /// model and app) when it has a view; otherwise the same tool.
    /// </summary>
    public static Tool Present(Tool tool)
    {
        if (AppViews.ForTool(tool.Name) is not { } view)
        {
            return tool;
        }

        var typeInfo = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Tool));
        var copy = (Tool)JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(tool, typeInfo), typeInfo)!;
        copy.Meta ??= [];
        copy.Meta["ui"] = new JsonObject { ["resourceUri"] = view.Uri, ["visibility"] = new JsonArray("model", "app") };
        return copy;
    }
}
