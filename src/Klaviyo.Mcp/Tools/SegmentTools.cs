using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Klaviyo.Client;
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
    internal static readonly KlaviyoOperation GetSegmentsOperation = KlaviyoOperation.Read("get_segments", "segments:read");
    internal static readonly KlaviyoOperation GetSegmentOperation = KlaviyoOperation.Read("get_segment", "segments:read");
    internal static readonly KlaviyoOperation GetMembersOperation = KlaviyoOperation.Read("get_profiles_for_segment", "profiles:read and segments:read");

    [McpServerTool(Name = "get_segments", Title = "Find segments", ReadOnly = true)]
    [Description("List the account's segments (id, name, is_active, is_starred, created, updated), or find one by exact name. 10 a page: pass next_cursor back as cursor for more. Rate limit 75/s, 750/min. Needs segments:read.")]
    public async Task<CallToolResult> GetSegments(
        [Description("Exact segment name to find (case-sensitive, as Klaviyo compares it).")] string? name = null,
        [Description("next_cursor from the previous result, to get the next page.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var current = PageRules.Cursor(cursor, errors);
        TextRules.NotBlank("name", name, errors);

        errors.ThrowIfAny();
        var query = new KlaviyoQuery().Filter(name is null ? null : new KlaviyoFilter().Equal("name", name).ToString()).Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCall.RunAsync(GetSegmentsOperation, () => klaviyo.GetSegmentsAsync(query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }

    [McpServerTool(Name = "get_segment", Title = "Get segment", ReadOnly = true)]
    [Description("Get one segment by id, optionally with how many profiles are in it. Rate limit 75/s, 750/min; with include_profile_count, 1/s and 15/min. Needs segments:read.")]
    public async Task<CallToolResult> GetSegment(
        [Description("The segment's id.")] string id,
        [Description("True to add profile_count, the number of profiles in the segment (a slower, more limited request).")] bool? include_profile_count = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("id", id, errors);
        errors.ThrowIfAny();
        var query = new KlaviyoQuery().AdditionalFields("segment", include_profile_count == true ? ["profile_count"] : null);
        var document = await KlaviyoCall.RunAsync(GetSegmentOperation, () => klaviyo.GetSegmentAsync(id.Trim(), query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [McpServerTool(Name = "get_profiles_for_segment", Title = "Get segment members", ReadOnly = true)]
    [Description("List the profiles in a segment, or check whether an email is in it. Up to 100 per page (default 20). Rate limit 75/s, 750/min. Needs profiles:read and segments:read.")]
    public async Task<CallToolResult> GetProfilesForSegment(
        [Description("The segment's id.")] string? segment_id = null,
        [Description("The segment's name, instead of segment_id (exact, ignoring case).")] string? segment_name = null,
        [Description("Only the member with this exact email.")] string? email = null,
        [Description("Profiles per page, 1 to 100. Default 20.")] int? page_size = null,
        [Description("next_cursor from the previous result, to get the next page.")] string? cursor = null,
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
        var page = await KlaviyoCall.RunAsync(GetMembersOperation, () => klaviyo.GetSegmentProfilesAsync(segmentId, query, cancellationToken)).ConfigureAwait(false);
        return ToolResults.Page(page, current, budget);
    }
}
