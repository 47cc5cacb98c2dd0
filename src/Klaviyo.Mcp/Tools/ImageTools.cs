using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Images area: uploads for templates and sms.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class ImageTools(KlaviyoClient klaviyo, ImportSettings files, ResultBudget budget)
{
    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
    };

    [ToolOperation("upload_image_from_url")]
    [McpServerTool(Name = "upload_image_from_url", Title = "Image from URL", Destructive = false)]
    [Description("Import an https image (5 MB).")]
    public async Task<CallToolResult> UploadImageFromUrl(
        [Description("https URL.")] string url,
        [Description("Name.")] string? name = null,
        [Description("Hidden.")] bool? hidden = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("url", url, errors);
        TextRules.NotBlank("name", name, errors);
        if (!string.IsNullOrWhiteSpace(url) && (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps || address.Host.Length == 0))
        {
            errors.Add("url", $"{IdentifierRules.Quote(url)} is not an https URL; only https images are imported");
        }

        errors.ThrowIfAny();
        var attributes = new JsonObject { ["import_from_url"] = url.Trim() };
        if (name is not null)
        {
            attributes["name"] = name.Trim();
        }

        if (hidden is { } h)
        {
            attributes["hidden"] = h;
        }

        var document = await KlaviyoCalls.SendAsync(klaviyo, "upload_image_from_url", null, KlaviyoCalls.Document("image", attributes: attributes),
            new ArgumentPointerMap(("/data/attributes/import_from_url", "url"), ("/data/attributes/", "")), cancellationToken).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.Flatten(document.Resource), budget);
    }

    [ToolOperation("upload_image_from_file")]
    [McpServerTool(Name = "upload_image_from_file", Title = "Upload image", Destructive = false)]
    [Description("Upload a png/jpg/gif/webp file (5 MB).")]
    public async Task<CallToolResult> UploadImageFromFile(
        [Description("File path.")] string path,
        [Description("Name.")] string? name = null,
        [Description("Hidden.")] bool? hidden = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.NotBlank("name", name, errors);
        errors.ThrowIfAny();
        var file = Resolve(path);
        if (file.Length > KlaviyoClient.MaxImageBytes)
        {
            throw new ToolArgumentException("path", $"{IdentifierRules.Quote(file.FullName)} is {file.Length:N0} bytes; Klaviyo takes images up to 5 MB ({KlaviyoClient.MaxImageBytes:N0} bytes)");
        }

        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        var operation = KlaviyoCalls.Operation("upload_image_from_file");
        var document = await KlaviyoCalls.RunAsync(
            new ToolCallDescriptor("upload_image_from_file", "upload_image_from_file", new ArgumentPointerMap()),
            () => klaviyo.UploadFileAsync(operation, bytes, file.Name, ContentTypes[file.Extension], name?.Trim(), hidden, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.Flatten(document.Resource), budget);
    }

    /// <summary>The image <paramref name="path"/> names, if it may be read: an existing image file inside an import root (links followed).</summary>
    private FileInfo Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ToolArgumentException("path", "is required: the local image file to upload");
        }

        var full = Path.GetFullPath(path.Trim());
        if (!ContentTypes.ContainsKey(Path.GetExtension(full)))
        {
            throw new ToolArgumentException("path", $"{IdentifierRules.Quote(path)} is not a .png, .jpg, .jpeg, .gif or .webp file");
        }

        var file = new FileInfo(full);
        if (!file.Exists)
        {
            throw new ToolArgumentException("path", $"{IdentifierRules.Quote(full)} does not exist");
        }

        var target = file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        if (!files.Roots.Any(root => target.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new ToolArgumentException("path",
                $"{IdentifierRules.Quote(full)} is outside the folders this server may read ({string.Join(", ", files.Roots)}); move the file there, or add its folder to KLAVIYO_IMPORT_ROOTS");
        }

        var resolved = new FileInfo(target);
        return resolved.Extension.Length > 0 && ContentTypes.ContainsKey(resolved.Extension) ? resolved : file;
    }
}
