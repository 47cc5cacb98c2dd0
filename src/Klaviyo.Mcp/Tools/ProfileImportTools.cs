using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Profiles from a file: import_profiles.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class ProfileImportTools(ProfileImporter importer, ResourceNameResolver names)
{
    [ToolOperation("bulk_import_profiles")]
    [McpServerTool(Name = "import_profiles", Title = "Import profiles from a file", Destructive = false, Idempotent = true)]
    [Description("Upsert profiles from a .csv/.jsonl/.json file, resumably; columns named as profile fields, others become properties.")]
    public async Task<CallToolResult> ImportProfiles(
        RequestContext<CallToolRequestParams> request,
        [Description("File path.")] string path,
        [Description("Add to this list.")] string? list_id = null,
        [Description("Or its name.")] string? list_name = null,
        [Description("{field: column}, property_columns, ignore_columns.")] Dictionary<string, JsonElement>? mapping = null,
        [Description("Validate only.")] bool? dry_run = null,
        [Description("Ignore checkpoint.")] bool? restart = null,
        CancellationToken cancellationToken = default)
    {
        await using var progress = ToolProgress.For(request);
        var errors = new ArgumentErrors();
        ResourceNameResolver.CheckReference("list_id", list_id, "list_name", list_name, required: false, errors);
        var parsed = ProfileImportMapping.Parse(mapping, errors);
        errors.ThrowIfAny();

        var listId = await names.ListIdAsync(list_id, list_name, cancellationToken).ConfigureAwait(false);
        var result = await importer.RunAsync(path, parsed, listId, dry_run == true, restart == true, progress.Reporter, cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(result, ToolJsonContext.Default.ProfileImportResult);
    }
}
