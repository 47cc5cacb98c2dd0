using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>Klaviyo's Accounts area: the account the key belongs to.</summary>
[McpServerToolType]
public sealed class AccountTools(KlaviyoClient klaviyo, ResultBudget budget)
{
    internal static readonly ToolCallDescriptor GetAccountOperation = ToolCallDescriptor.Read("get_account", "get_accounts");

    [ToolOperation("get_accounts")]
    [McpServerTool(Name = "get_account", Title = "Get account", ReadOnly = true)]
    [Description("The account of the API key: id, name, timezone, currency, locale, test or not. Checks that the key works.")]
    public async Task<CallToolResult> GetAccount(CancellationToken cancellationToken = default)
    {
        var document = await KlaviyoCalls.RunAsync(GetAccountOperation, () => klaviyo.GetAccountsAsync(cancellationToken)).ConfigureAwait(false);
        var account = document.Resources.FirstOrDefault();
        if (account.ValueKind != JsonValueKind.Object)
        {
            throw new ToolFailureException("Klaviyo returned no account for this key.");
        }

        var attributes = account.GetProperty("attributes");
        static string? Text(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var contact = attributes.TryGetProperty("contact_information", out var c) ? c : default;
        var result = new JsonObject
        {
            ["id"] = account.GetProperty("id").GetString(),
            ["name"] = Text(contact, "organization_name") ?? Text(contact, "default_sender_name"),
            ["timezone"] = Text(attributes, "timezone"),
            ["currency"] = Text(attributes, "preferred_currency"),
            ["locale"] = Text(attributes, "locale"),
            ["test_account"] = attributes.TryGetProperty("test_account", out var test) && test.ValueKind is JsonValueKind.True or JsonValueKind.False ? test.GetBoolean() : null,
            ["industry"] = Text(attributes, "industry"),
            ["website_url"] = Text(contact, "website_url"),
        };
        return ToolResults.Resource((JsonObject)JsonApiShaper.Compact(JsonSerializer.SerializeToElement(result, ToolJsonContext.Default.JsonObject))!, budget);
    }
}
