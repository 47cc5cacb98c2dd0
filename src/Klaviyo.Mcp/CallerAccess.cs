using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp;

/// <summary>
/// What the caller of one request may use, on top of the server's own <see cref="ToolSelection"/>: scoped to the
/// request. Over stdio nothing sets it and it allows everything. <c>klaviyo-mcp serve</c> sets it from the bearer
/// token before the request reaches the MCP server: a team token's read-only, drafts-only and toolset restrictions,
/// and the tools the HTTP server withholds from everyone (imports, unless allowed). tools/list shows only what both
/// allow, and a call to anything else is refused before it is sent.
/// </summary>
public sealed class CallerAccess
{
    /// <summary>Who is calling, as refusals name it (e.g. <c>the token "alice"</c>); null over stdio.</summary>
    public string? Caller { get; set; }

    /// <summary>What per-caller limits count by, holding no secret (the token's name, or the key's fingerprint); null over stdio.</summary>
    public string? Id { get; set; }

    /// <summary>The token's own toolsets and read-only mode; null when it has none.</summary>
    public ToolSelection? Tools { get; set; }

    /// <summary>Only writes that can be taken back: no tool annotated destructive (deletes, unsubscribes, suppressions, a flow going live).</summary>
    public bool DraftsOnly { get; set; }

    /// <summary>Tools this server does not offer to this transport, with the reason (import_events over HTTP, unless allowed).</summary>
    public IReadOnlyDictionary<string, string> Withheld { get; set; } = new Dictionary<string, string>();

    public bool Allows(Tool tool) =>
        !Withheld.ContainsKey(tool.Name) && (Tools?.Allows(tool) ?? true) && !(DraftsOnly && tool.Annotations?.DestructiveHint == true);

    /// <summary>Why <paramref name="tool"/> is refused, or null when it is allowed.</summary>
    public string? Refusal(Tool tool)
    {
        if (Withheld.TryGetValue(tool.Name, out var reason))
        {
            return reason;
        }

        if (Tools is { } tools && !tools.Allows(tool))
        {
            return tools.ReadOnly && tool.Annotations?.ReadOnlyHint != true
                ? $"{tool.Name} changes data in Klaviyo, and {Caller ?? "this caller"} is read-only."
                : $"{tool.Name} is not among the toolsets {Caller ?? "this caller"} may use.";
        }

        return DraftsOnly && tool.Annotations?.DestructiveHint == true
            ? $"{tool.Name} is destructive (it deletes, changes consent or reaches real people), and {Caller ?? "this caller"} may only make changes that can be taken back."
            : null;
    }

    /// <summary>Why call_operation may not call <paramref name="operation"/> for this caller (its toolsets, read-only, drafts only); null when it may.</summary>
    public string? OperationRefusal(Klaviyo.Client.Operations.ApiOperation operation) =>
        Tools?.OperationRefusal(operation) is { } refusal ? refusal.Replace("this server was not started with", $"{Caller ?? "this caller"} may not use", StringComparison.Ordinal).Replace("this server runs in read-only mode (--read-only or KLAVIYO_READ_ONLY=true)", $"{Caller ?? "this caller"} is read-only", StringComparison.Ordinal)
        : DraftsOnly && operation.Access == Klaviyo.Client.Operations.OperationAccess.Destructive
            ? $"{operation.Id} is destructive (it deletes, changes consent or reaches real people), and {Caller ?? "this caller"} may only make changes that can be taken back."
            : null;

    /// <summary>The server's selection and then the caller's: why <paramref name="tool"/> is refused to this request, or null.</summary>
    public static string? RefusalFor(ToolSelection server, IServiceProvider? requestServices, Tool tool) =>
        !server.Allows(tool) ? server.Refusal(tool.Name) : requestServices?.GetService<CallerAccess>()?.Refusal(tool);

    /// <summary>
    /// Whether this request may only read: the server runs read-only, or the request's caller is. For a tool that
    /// decides per operation rather than per tool (a generic API call), which must also refuse what a token may not do.
    /// </summary>
    public static bool MayOnlyRead(ToolSelection server, IServiceProvider? requestServices) =>
        server.ReadOnly || (requestServices?.GetService<CallerAccess>()?.Tools?.ReadOnly ?? false);

    /// <summary>Whether this request's caller may not do anything destructive (a drafts-only token); the per-operation counterpart of <see cref="DraftsOnly"/>.</summary>
    public static bool MayNotDestroy(IServiceProvider? requestServices) => requestServices?.GetService<CallerAccess>()?.DraftsOnly ?? false;

    /// <summary>Whether both the server's selection and the request's caller allow <paramref name="tool"/>.</summary>
    public static bool AllowedFor(ToolSelection server, IServiceProvider? requestServices, Tool tool) =>
        server.Allows(tool) && (requestServices?.GetService<CallerAccess>()?.Allows(tool) ?? true);
}
