using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Templates area: HTML email templates, their preview, and their use in campaigns.</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class TemplateTools(KlaviyoClient klaviyo, ConfirmationGate gate, ResultBudget budget)
{
    public static readonly string[] EditorTypes = ["CODE", "USER_DRAGGABLE", "SYSTEM_DRAGGABLE", "SIMPLE"];

    private static readonly ArgumentPointerMap s_pointers = new(("/data/attributes/", ""), ("/data/id", "template_id"));

    [ToolOperation("get_templates")]
    [McpServerTool(Name = "get_templates", Title = "Templates", ReadOnly = true)]
    [Description("List templates.")]
    public async Task<CallToolResult> GetTemplates(
        [Description("Name part.")] string? name_contains = null,
        [Description("e.g. CODE.")] string? editor_type = null,
        [Description("From next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.NotBlank("name_contains", name_contains, errors);
        var editor = ChoiceRules.One("editor_type", editor_type, EditorTypes, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var query = new KlaviyoQuery()
            .Filter(name_contains is null ? null : new KlaviyoFilter().Contains("name", name_contains).ToString())
            .Fields("template", ["name", "editor_type", "created", "updated"])
            .Sort("-updated")
            .Cursor(current.KlaviyoCursor);
        var page = await KlaviyoCalls.ReadAsync(
            klaviyo,
            new ToolCallDescriptor("get_templates", "get_templates", new ArgumentPointerMap(), new Dictionary<string, string> { ["filter"] = "name_contains" }),
            query,
            cancellationToken).ConfigureAwait(false);
        if (editor is null)
        {
            return ToolResults.Page(page, current, budget);
        }

        var items = JsonApiShaper.FlattenAll(page).Where(t => (string?)t["editor_type"] == editor).ToList();
        return ToolResults.Collection(items, current, page.NextCursor, budget, page.NextCursor is null ? null : "editor_type is applied to each page of 10, so a page may hold fewer; follow next_cursor for more.");
    }

    [ToolOperation("get_template")]
    [McpServerTool(Name = "get_template", Title = "Get template", ReadOnly = true)]
    [Description("One template.")]
    public async Task<CallToolResult> GetTemplate(
        [Description("Template id.")] string template_id,
        [Description("Add HTML.")] bool? include_html = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("template_id", template_id, errors);
        errors.ThrowIfAny();
        var fields = include_html == true ? "name,editor_type,html,text,created,updated" : "name,editor_type,created,updated";
        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_template", cancellationToken, template_id.Trim(), null, null, ("fields[template]", fields)).ConfigureAwait(false);
        return Cut(JsonApiShaper.Flatten(document.Resource));
    }

    [ToolOperation("create_template")]
    [McpServerTool(Name = "create_template", Title = "Create template", Destructive = false)]
    [Description("Create an HTML template.")]
    public async Task<CallToolResult> CreateTemplate(
        [Description("Name.")] string name,
        [Description("HTML.")] string html,
        [Description("Text.")] string? text = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("name", name, errors);
        TextRules.Required("html", html, errors);
        TextRules.NotBlank("text", text, errors);
        errors.ThrowIfAny();
        var attributes = new JsonObject { ["name"] = name.Trim(), ["editor_type"] = "CODE", ["html"] = html };
        if (text is not null)
        {
            attributes["text"] = text;
        }

        var document = await KlaviyoCalls.SendAsync(klaviyo, "create_template", null, KlaviyoCalls.Document("template", attributes: attributes), s_pointers, cancellationToken).ConfigureAwait(false);
        return Summary(document.Resource);
    }

    [ToolOperation("update_template")]
    [McpServerTool(Name = "update_template", Title = "Update template", Destructive = false)]
    [Description("Edit a template.")]
    public async Task<CallToolResult> UpdateTemplate(
        [Description("Template id.")] string template_id,
        [Description("Name.")] string? name = null,
        [Description("HTML.")] string? html = null,
        [Description("Text.")] string? text = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("template_id", template_id, errors);
        TextRules.NotBlank("name", name, errors);
        TextRules.NotBlank("html", html, errors);
        if (name is null && html is null && text is null)
        {
            errors.Add("arguments", "nothing to change: give name, html or text");
        }

        errors.ThrowIfAny();
        var attributes = new JsonObject();
        if (name is not null)
        {
            attributes["name"] = name.Trim();
        }

        if (html is not null)
        {
            attributes["html"] = html;
        }

        if (text is not null)
        {
            attributes["text"] = text;
        }

        var document = await KlaviyoCalls.SendAsync(klaviyo, "update_template", template_id.Trim(), KlaviyoCalls.Document("template", template_id.Trim(), attributes), s_pointers, cancellationToken).ConfigureAwait(false);
        return Summary(document.Resource);
    }

    [ToolOperation("clone_template")]
    [McpServerTool(Name = "clone_template", Title = "Clone template", Destructive = false)]
    [Description("Copy a template.")]
    public async Task<CallToolResult> CloneTemplate(
        [Description("Template id.")] string template_id,
        [Description("Name.")] string? name = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("template_id", template_id, errors);
        TextRules.NotBlank("name", name, errors);
        errors.ThrowIfAny();
        var attributes = new JsonObject();
        if (name is not null)
        {
            attributes["name"] = name.Trim();
        }

        var document = await KlaviyoCalls.SendAsync(klaviyo, "clone_template", null, KlaviyoCalls.Document("template", template_id.Trim(), attributes), s_pointers, cancellationToken).ConfigureAwait(false);
        return Summary(document.Resource);
    }

    [ToolOperation("render_template")]
    [McpServerTool(Name = "render_template", Title = "Preview template", ReadOnly = true)]
    [Description("Render a template.")]
    public async Task<CallToolResult> RenderTemplate(
        [Description("Template id.")] string template_id,
        [Description("Variables.")] JsonElement? context = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("template_id", template_id, errors);
        if (context is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            errors.Add("context", "must be an object of template variables");
        }

        errors.ThrowIfAny();
        var variables = context is { ValueKind: JsonValueKind.Object } given ? JsonObject.Create(given)!.DeepClone() : new JsonObject();
        var document = await KlaviyoCalls.SendAsync(
            klaviyo, "render_template", null,
            KlaviyoCalls.Document("template", template_id.Trim(), new JsonObject { ["context"] = variables }),
            new ArgumentPointerMap(("/data/attributes/context", "context"), ("/data/id", "template_id")), cancellationToken).ConfigureAwait(false);
        var rendered = JsonApiShaper.Flatten(document.Resource);
        rendered.Remove("amp");
        return Cut(rendered);
    }

    [ToolOperation("delete_template")]
    [McpServerTool(Name = "delete_template", Title = "Delete template", Destructive = true)]
    [Description("Delete a template. Confirmed by the person first.")]
    public async Task<CallToolResult> DeleteTemplate(
        RequestContext<CallToolRequestParams> request,
        [Description("Template id.")] string template_id,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("template_id", template_id, errors);
        errors.ThrowIfAny();
        var id = template_id.Trim();
        var template = await KlaviyoCalls.ReadAsync(klaviyo, "get_template", cancellationToken, id, null, "delete_template", ("fields[template]", "name,editor_type,updated")).ConfigureAwait(false);
        var name = template.Resource.TryGetProperty("attributes", out var a) && a.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var summary = $"Delete template {IdentifierRules.Quote(name)} (id {id}) for good. Campaigns keep their own copies of templates assigned to them.";
        if (await gate.ConfirmAsync(request, summary, cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        await KlaviyoCalls.SendAsync(klaviyo, "delete_template", id, null, new ArgumentPointerMap(), cancellationToken).ConfigureAwait(false);
        return ToolResults.Success(new JsonObject { ["id"] = id, ["deleted"] = true }, ToolJsonContext.Default.JsonObject);
    }

    private CallToolResult Summary(JsonElement resource)
    {
        var flat = JsonApiShaper.Flatten(resource);
        foreach (var large in new[] { "html", "text", "amp", "definition" })
        {
            flat.Remove(large);
        }

        return ToolResults.Resource(flat, budget);
    }

    /// <summary>HTML and text cut to fit the result budget, with a note saying how much was left out.</summary>
    private CallToolResult Cut(JsonObject rendered)
    {
        var room = Math.Max(1_000, budget.MaxBytes - 4_000);
        var cuts = new List<string>();
        foreach (var member in new[] { "html", "text" })
        {
            if ((string?)rendered[member] is not { } value)
            {
                continue;
            }

            var bytes = Encoding.UTF8.GetByteCount(value);
            var share = member == "html" ? room * 3 / 4 : room / 4;
            if (bytes > share)
            {
                var kept = value[..Math.Min(value.Length, share)];
                while (Encoding.UTF8.GetByteCount(kept) > share)
                {
                    kept = kept[..(kept.Length * 9 / 10)];
                }

                rendered[member] = kept;
                cuts.Add($"{member} cut to its first {Encoding.UTF8.GetByteCount(kept):N0} of {bytes:N0} bytes");
            }
        }

        if (cuts.Count > 0)
        {
            rendered["note"] = string.Join("; ", cuts) + " (the result budget); the template itself is whole.";
        }

        return ToolResults.Resource(rendered, budget);
    }
}
