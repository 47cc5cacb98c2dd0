using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Apps;

/// <summary>
/// The account's currency (its <c>preferred_currency</c>), which a view needs to show revenue and Klaviyo's report
/// results do not name. For a client that declared MCP Apps only, a successful report's result carries it in
/// <c>_meta["klaviyo-mcp/currency"]</c>; its content and structured content stay as every client gets them. Read with
/// get_accounts after the report succeeded (never for a refused or invalid call), once per caller; a failure (a key
/// without accounts:read, a timeout) leaves it out and the view shows revenue without a currency sign.
/// </summary>
public sealed class AccountCurrency
{
    public const string MetaKey = "klaviyo-mcp/currency";

    // Callers are few (team tokens) or one (stdio); with callers' own keys the table is emptied when it grows this large.
    private const int MaxCallers = 1_000;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    /// <summary>The tools/call filter: the report tools' results, for clients with the extension, with the currency in <c>_meta</c>.</summary>
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> AddToReports(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken).ConfigureAwait(false);
            if (result.IsError == true || context.MatchedPrimitive is not McpServerTool tool || AppViews.ForTool(tool.ProtocolTool.Name) is null ||
                !McpAppsExtension.DeclaredBy(context.Server.ClientCapabilities) ||
                context.Services?.GetService<AccountCurrency>() is not { } currencies || context.Services.GetService<KlaviyoClient>() is not { } klaviyo)
            {
                return result;
            }

            var caller = context.Services.GetService<RequestCaller>()?.Current?.Id ?? "";
            if (await currencies.GetAsync(klaviyo, caller, cancellationToken).ConfigureAwait(false) is { } currency)
            {
                result.Meta ??= [];
                result.Meta[MetaKey] = currency;
            }

            return result;
        };

    /// <summary>The currency of <paramref name="caller"/>'s account (ISO 4217), or null when Klaviyo does not give it in time.</summary>
    public async Task<string?> GetAsync(KlaviyoClient klaviyo, string caller, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(caller, out var known))
        {
            return known;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        JsonElement account;
        try
        {
            account = (await klaviyo.GetAccountsAsync(timeout.Token).ConfigureAwait(false)).Resources.FirstOrDefault();
        }
        catch (Exception exception) when (exception is KlaviyoException or HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        if (account.ValueKind != JsonValueKind.Object || !account.TryGetProperty("attributes", out var attributes) ||
            !attributes.TryGetProperty("preferred_currency", out var value) || value.ValueKind != JsonValueKind.String ||
            value.GetString() is not { Length: 3 } currency || !currency.All(char.IsAsciiLetter))
        {
            return null;
        }

        if (_known.Count >= MaxCallers)
        {
            _known.Clear();
        }

        _known[caller] = currency.ToUpperInvariant();
        return _known[caller];
    }
}
