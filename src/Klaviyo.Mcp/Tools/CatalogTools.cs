using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Catalogs area, read side (writes go through call_operation).</summary>
[McpServerToolType]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Parameter names are the tools' public snake_case argument names.")]
public sealed class CatalogTools(KlaviyoClient klaviyo, ResultBudget budget)
{
    private static readonly string[] s_itemFields = ["external_id", "title", "price", "url", "image_full_url", "published"];
    private static readonly string[] s_variantFields = ["external_id", "title", "sku", "price", "inventory_quantity", "inventory_policy", "published"];
    private static readonly string[] s_sorts = ["created", "-created"];

    [ToolOperation("get_catalog_items")]
    [McpServerTool(Name = "get_catalog_items", Title = "Find catalog items", ReadOnly = true)]
    [Description("List catalog items (products), with their variants' inventory.")]
    public async Task<CallToolResult> GetCatalogItems(
        [Description("Substring.")] string? title_contains = null,
        [Description("Category id.")] string? category_id = null,
        [Description("Or its name.")] string? category_name = null,
        [Description("Published?")] bool? published = null,
        [Description("created or -created.")] string? sort = null,
        [Description("next_cursor.")] string? cursor = null,
        [Description("Attributes.")] string[]? fields = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.NotBlank("title_contains", title_contains, errors);
        Lists.ResourceNameResolver.CheckReference("category_id", category_id, "category_name", category_name, required: false, errors);
        sort = ChoiceRules.One("sort", sort, s_sorts, errors);
        fields = ChoiceRules.Each("fields", fields, KlaviyoCalls.Operation("get_catalog_items").QueryParameter("fields[catalog-item]")!.Values!, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();

        var categoryId = category_id?.Trim() ?? (category_name is null ? null : await CategoryIdAsync(category_name.Trim(), cancellationToken).ConfigureAwait(false));
        var filter = new KlaviyoFilter();
        if (title_contains is not null)
        {
            filter.Contains("title", title_contains);
        }

        if (categoryId is not null)
        {
            filter.Equal("category.id", categoryId);
        }

        if (published is { } p)
        {
            filter.Equal("published", p);
        }

        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_catalog_items", cancellationToken, null, current.KlaviyoCursor, null,
            ("filter", filter.ToString()), ("sort", sort), ("fields[catalog-item]", string.Join(',', fields ?? s_itemFields)),
            ("include", "variants"), ("fields[catalog-variant]", "sku,inventory_quantity,inventory_policy")).ConfigureAwait(false);
        return ToolResults.Page(document, current, budget);
    }

    [ToolOperation("get_catalog_item")]
    [McpServerTool(Name = "get_catalog_item", Title = "Get catalog item", ReadOnly = true)]
    [Description("One catalog item, optionally with variants.")]
    public async Task<CallToolResult> GetCatalogItem(
        [Description("Item id.")] string item_id,
        [Description("Add variants.")] bool? include_variants = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("item_id", item_id, errors);
        errors.ThrowIfAny();

        var withVariants = include_variants == true;
        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_catalog_item", cancellationToken, item_id.Trim(), null, null,
            ("include", withVariants ? "variants" : null), ("fields[catalog-variant]", withVariants ? string.Join(',', s_variantFields) : null)).ConfigureAwait(false);
        var resource = document.Root.ValueKind == JsonValueKind.Object ? document.Resources.FirstOrDefault() : default;
        if (resource.ValueKind != JsonValueKind.Object)
        {
            throw new Errors.ToolFailureException($"Klaviyo's answer for catalog item {item_id.Trim()} held no item; try again.");
        }

        var item = JsonApiShaper.Flatten(resource);
        if (withVariants)
        {
            var variants = new JsonArray();
            foreach (var variant in document.Included.Where(r => r.TryGetProperty("type", out var t) && t.GetString() == "catalog-variant"))
            {
                variants.Add((JsonNode)JsonApiShaper.Flatten(variant));
            }

            item["variants"] = variants;
            if (variants.Count > 0)
            {
                item["inventory_quantity"] = variants.Sum(v => v!["inventory_quantity"]?.GetValueKind() == JsonValueKind.Number ? (double)v["inventory_quantity"]! : 0);
            }
        }

        return ToolResults.Resource(item, budget);
    }

    [ToolOperation("get_catalog_categories")]
    [McpServerTool(Name = "get_catalog_categories", Title = "Find catalog categories", ReadOnly = true)]
    [Description("List catalog categories.")]
    public async Task<CallToolResult> GetCatalogCategories(
        [Description("Substring.")] string? name_contains = null,
        [Description("next_cursor.")] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var errors = new ArgumentErrors();
        TextRules.NotBlank("name_contains", name_contains, errors);
        var current = PageRules.Cursor(cursor, errors);
        errors.ThrowIfAny();
        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_catalog_categories", cancellationToken, null, current.KlaviyoCursor, null,
            ("filter", name_contains is null ? null : new KlaviyoFilter().Contains("name", name_contains).ToString())).ConfigureAwait(false);
        return ToolResults.Page(document, current, budget);
    }

    /// <summary>The category called <paramref name="name"/> (exact, ignoring case), found with a contains filter.</summary>
    private async Task<string> CategoryIdAsync(string name, CancellationToken cancellationToken)
    {
        var document = await KlaviyoCalls.ReadAsync(klaviyo, "get_catalog_categories", cancellationToken, null, null, "category_name lookup (get_catalog_categories)",
            ("filter", new KlaviyoFilter().Contains("name", name).ToString())).ConfigureAwait(false);
        var matches = document.Resources
            .Where(c => c.TryGetProperty("attributes", out var a) && string.Equals(a.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.GetProperty("id").GetString()!).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ToolArgumentException("category_name", $"no catalog category is called {IdentifierRules.Quote(name)}; see get_catalog_categories"),
            _ => throw new ToolArgumentException("category_name", $"{matches.Count} categories are called {IdentifierRules.Quote(name)} ({string.Join(", ", matches)}); give category_id"),
        };
    }
}
