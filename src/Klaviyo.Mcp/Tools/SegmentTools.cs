using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Segments area: dynamic groups of profiles.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class SegmentTools(KlaviyoClient klaviyo, ResourceNameResolver names, ResultBudget budget)
{
    internal static readonly ToolCallDescriptor GetSegmentsOperation = ToolCallDescriptor.Read("get_segments", "get_segments");
    internal static readonly ToolCallDescriptor GetSegmentOperation = ToolCallDescriptor.Read("get_segment", "get_segment");
    internal static readonly ToolCallDescriptor GetMembersOperation = ToolCallDescriptor.Read("get_profiles_for_segment", "get_profiles_for_segment");

    [ToolOperation("get_segments")]
    [McpServerTool(Name = "get_segments", Title = "Find segments", ReadOnly = true)]
    [Description("List segments, or find one by exact name.")]
    public async Task<CallToolResult> GetSegments(
        [Description("Exact name (case-sensitive).")] string? name = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var current = PageRules.Cursor(cursor, errors);
        TextRules.NotBlank("name", name, errors);

        errors.ThrowIfAny();
        var query = new KlaviyoQuery().Filter(name is null ? null : new KlaviyoFilter().Equal("name", name).ToString()).Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.RunAsync(GetSegmentsOperation, () => klaviyo.GetSegmentsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [ToolOperation("get_segment")]
    [McpServerTool(Name = "get_segment", Title = "Get segment", ReadOnly = true)]
    [Description("One segment by id, optionally with its profile_count.")]
    public async Task<CallToolResult> GetSegment(
        [Description("Segment id.")] string id,
        [Description("True to add profile_count (slower).")] bool? include_profile_count = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();
        var query = new KlaviyoQuery().AdditionalFields("segment", include_profile_count == true ? ["profile_count"] : null);
        var document = await KlaviyoCalls.RunAsync(GetSegmentOperation, () => klaviyo.GetSegmentAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("get_profiles_for_segment")]
    [McpServerTool(Name = "get_profiles_for_segment", Title = "Get segment members", ReadOnly = true)]
    [Description("Members of a segment, or whether an email is one.")]
    public async Task<CallToolResult> GetProfilesForSegment(
        [Description("Segment id.")] string? segment_id = null,
        [Description("Exact name (any case), instead of segment_id.")] string? segment_name = null,
        [Description("Only this email.")] string? email = null,
        [Description("1 to 100, default 20.")] int? page_size = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        ResourceNameResolver.CheckReference("segment_id", segment_id, "segment_name", segment_name, required: true, errors);
        ProfileRules.CheckIdentifiers("", [("email", email)], requireOne: false, errors);
        PageRules.CheckPageSize(page_size, ProfileTools.MaxPageSize, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var segmentId = (await names.SegmentIdAsync(segment_id, segment_name, cancellationToken).ConfigureAwait(false))!;
        var query = new KlaviyoQuery().Filter(email is null ? null : new KlaviyoFilter().Equal("email", email).ToString()).PageSize(page_size ?? 20).Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.RunAsync(GetMembersOperation, () => klaviyo.GetSegmentProfilesAsync(segmentId, query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }
}
