using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Coupons;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Coupons area: coupons, and codes generated for them.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class CouponTools(KlaviyoClient klaviyo, CouponCodeGenerator generator, Lists.ResourceNameResolver names, ResultBudget budget)
{
    private static readonly ArgumentPointerMap s_couponPointers = new(("/data/attributes/external_id", "name"), ("/data/attributes/", ""));
    private static readonly string[] s_statuses = ["UNASSIGNED", "PROCESSING", "ASSIGNED_TO_PROFILE", "USED", "VERSION_NOT_ACTIVE", "DELETING"];

    [ToolOperation("get_coupons")]
    [McpServerTool(Name = "get_coupons", Title = "List coupons", ReadOnly = true)]
    [Description("List coupons.")]
    public async Task<CallToolResult> GetCoupons([Description("next_cursor.")] string? cursor = null, CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();
        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_coupons", cancellationToken, cursor: current.KlaviyoCursor).ConfigureAwait(false);
        return ToolResults.Page(document, current, budget);
    }

    [ToolOperation("create_coupon")]
    [McpServerTool(Name = "create_coupon", Title = "Create coupon", Destructive = false)]
    [Description("Create a coupon; name is its id and what templates show.")]
    public async Task<CallToolResult> CreateCoupon(
        [Description("e.g. SUMMER10.")] string name,
        [Description("Description.")] string? description = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("name", name, errors);
        TextRules.NotBlank("description", description, errors);
        errors.ThrowIfAny();
        var attributes = new JsonObject { ["external_id"] = name.Trim() };
        if (description is not null)
        {
            attributes["description"] = description;
        }

        var document = await KlaviyoCalls.SendAsync(klaviyo, "create_coupon", null, KlaviyoCalls.Document("coupon", attributes: attributes), s_couponPointers, cancellationToken).ConfigureAwait(false);
        return ToolResults.Resource(JsonApiShaper.FlattenAll(document).First(), budget);
    }

    [ToolOperation("get_coupon_codes")]
    [McpServerTool(Name = "get_coupon_codes", Title = "List coupon codes", ReadOnly = true)]
    [Description("List a coupon's or a person's codes.")]
    public async Task<CallToolResult> GetCouponCodes(
        [Description("= its name.")] string? coupon_id = null,
        [Description("Same.")] string? coupon_name = null,
        [Description("e.g. UNASSIGNED, USED.")] string? status = null,
        [Description("Owner email.")] string? profile_email = null,
        [Description("next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        Lists.ResourceNameResolver.CheckReference("coupon_id", coupon_id, "coupon_name", coupon_name, required: false, errors);
        status = ChoiceRules.One("status", status?.ToUpperInvariant(), s_statuses, errors);
        if (profile_email is not null && !IdentifierRules.IsEmail(profile_email.Trim()))
        {
            errors.Add("profile_email", $"{IdentifierRules.Quote(profile_email)} is not an email address");
        }

        var coupon = (coupon_id ?? coupon_name)?.Trim();
        if (coupon is null && profile_email is null && !errors.Any)
        {
            errors.Add("coupon_id", "give coupon_id (or coupon_name) or profile_email: Klaviyo lists codes by coupon or by profile");
        }

        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        // A name is looked up first: an unknown one is an argument error, not an empty page.
        coupon = await names.CouponIdAsync(coupon_id, coupon_name, cancellationToken).ConfigureAwait(false);
        var filter = new KlaviyoFilter();
        if (coupon is not null)
        {
            filter.Equal("coupon.id", coupon);
        }

        if (status is not null)
        {
            filter.Equal("status", status);
        }

        if (profile_email is not null)
        {
            var profiles = await KlaviyoCalls.ReadAsync(klaviyo, "get_profiles", cancellationToken, null, null, "profile_email lookup (get_profiles)", ("filter", new KlaviyoFilter().Equal("email", profile_email.Trim()).ToString())).ConfigureAwait(false);
            var id = profiles.Resources.Select(p => p.GetProperty("id").GetString()).FirstOrDefault();
            if (id is null)
            {
                return ToolResults.Collection([], current, null, budget, $"No profile has the email {profile_email.Trim()}, so it has no codes.");
            }

            filter.Equal("profile.id", id);
        }

        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_coupon_codes", cancellationToken, null, current.KlaviyoCursor, null, ("filter", filter.ToString())).ConfigureAwait(false);
        return ToolResults.Page(document, current, budget);
    }

    [ToolOperation("bulk_create_coupon_codes")]
    [McpServerTool(Name = "generate_coupon_codes", Title = "Generate coupon codes", Destructive = false, Idempotent = true)]
    [Description("Create unique random codes for a coupon, also saved to a CSV; resumable.")]
    public async Task<CallToolResult> GenerateCouponCodes(
        RequestContext<CallToolRequestParams> request,
        [Description("1-100000.")] int count,
        [Description("= its name.")] string? coupon_id = null,
        [Description("Same.")] string? coupon_name = null,
        [Description("Code prefix.")] string? prefix = null,
        [Description("Default 10.")] int? length = null,
        [Description("ISO 8601.")] string? expires_at = null,
        [Description(".csv path.")] string? output_path = null,
        CancellationToken cancellationToken = default)
    {
        await using var progress = ToolProgress.For(request);
        var errors = new ArgumentErrors();
        Lists.ResourceNameResolver.CheckReference("coupon_id", coupon_id, "coupon_name", coupon_name, required: true, errors);
        if (count is < 1 or > CouponCodeGenerator.MaxCount)
        {
            errors.Add("count", $"{count} is outside 1 to {CouponCodeGenerator.MaxCount:N0}");
        }

        prefix = prefix?.Trim() ?? "";
        if (prefix.Length > 30 || prefix.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
        {
            errors.Add("prefix", "must be at most 30 letters, digits, - or _");
        }

        var size = length ?? 10;
        if (count is >= 1 and <= CouponCodeGenerator.MaxCount && (size < CouponCodeGenerator.MinimumLength(count) || size > 40))
        {
            errors.Add("length", $"{size} random characters is too {(size > 40 ? "long (at most 40)" : $"few for {count:N0} codes: collisions would be likely; use at least {CouponCodeGenerator.MinimumLength(count)}")}");
        }

        DateTimeOffset? expires = null;
        if (expires_at is not null)
        {
            if (DateTimeOffset.TryParse(expires_at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && parsed > DateTimeOffset.UtcNow)
            {
                expires = parsed;
            }
            else
            {
                errors.Add("expires_at", $"{IdentifierRules.Quote(expires_at)} is not an ISO 8601 time in the future");
            }
        }

        errors.ThrowIfAny();
        var result = await generator.RunAsync((coupon_id ?? coupon_name)!.Trim(), count, prefix, size, expires, output_path, progress.Reporter, cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(result, ToolJsonContext.Default.CouponCodesResult);
    }
}
