using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Access;

/// <summary>
/// The one place that decides, for one caller, which tools are offered, which calls are refused and why, and what the
/// server's instructions say. It combines the server's restrictions (<c>--read-only</c>, <c>--drafts-only</c>,
/// <c>--toolsets</c>, <c>--tools</c>, <c>--no-confirm</c>, and over HTTP the tools that read the server's disk) with the
/// caller's own (a team token's), if any: a tool or operation is allowed only when both allow it, and a refusal names
/// whichever restriction refused it.
/// <list type="bullet">
/// <item><b>Read-only</b>: only tools annotated read-only, and call_operation, which then calls reads only (and is listed as read-only).</item>
/// <item><b>Drafts-only</b>: nothing irreversible and nothing that reaches people. Tools annotated destructive (their
/// operation's access in the catalogue is <see cref="OperationAccess.Destructive"/>: sends, flows going live, deletes,
/// unsubscribes, suppressions) are not offered; call_operation stays and refuses destructive operations.</item>
/// <item><b>Toolsets and tools</b>: only the chosen tools; API areas named as toolsets limit the operations call_operation reaches.</item>
/// <item><b>No user content</b>: the tools that exist to read what strangers wrote (events) are not offered, and every
/// other result leaves the untrusted fields out (<see cref="Output.UntrustedValues"/>).</item>
/// <item><b>Withheld</b>: tools the transport does not offer (over HTTP, those that read the server's disk, unless the operator allows them).</item>
/// </list>
/// Over stdio the server's policy is every request's; over HTTP each request gets <see cref="For"/> its caller.
/// </summary>
public sealed class AccessPolicy
{
    /// <summary>The tools that exist to read what people outside the account wrote (event properties): not offered where user content is not allowed.</summary>
    public static readonly IReadOnlyList<string> UserContentTools = ["get_events", "get_event"];

    /// <summary>The tools that read or write files on the server's disk: withheld over HTTP unless the operator allows imports.</summary>
    public static readonly IReadOnlyList<string> ServerFileTools = ["import_events", "import_profiles", "generate_coupon_codes", "upload_image_from_file"];

    private readonly AccessRestrictions _server;
    private readonly IReadOnlyDictionary<string, string> _withheld;

    private AccessPolicy(AccessRestrictions server, bool confirm, IReadOnlyDictionary<string, string> withheld, Caller? caller)
    {
        _server = server;
        _withheld = withheld;
        Confirm = confirm;
        Caller = caller;
    }

    /// <summary>The caller this policy is for; null for the server's own (stdio, or before authentication).</summary>
    public Caller? Caller { get; }

    /// <summary>Whether sends, deletes and other irreversible calls are confirmed by the person first.</summary>
    public bool Confirm { get; }

    /// <summary>Whether only reads are allowed: the server or the caller is read-only.</summary>
    public bool ReadOnly => _server.ReadOnly || (Caller?.Restrictions.ReadOnly ?? false);

    /// <summary>Whether nothing irreversible and nothing that reaches people is allowed: the server or the caller is drafts-only.</summary>
    public bool DraftsOnly => _server.DraftsOnly || (Caller?.Restrictions.DraftsOnly ?? false);

    /// <summary>Whether results may hold values written by people outside the account (marked as untrusted), or leave them out.</summary>
    public bool AllowsUserContent => !(_server.NoUserContent || (Caller?.Restrictions.NoUserContent ?? false));

    /// <summary>
    /// What the instructions depend on besides the tools: callers whose own restrictions are the same share one text
    /// (the server builds it once per key).
    /// </summary>
    public string InstructionsKey => Caller is { Restrictions.RestrictsAnything: true } caller ? caller.RestrictionsKey ?? caller.Id : "";

    /// <summary>The server's policy over stdio: its settings' restrictions, nothing withheld.</summary>
    public static AccessPolicy ForServer(ServerSettings settings) => new(settings.Access, settings.Confirm, new Dictionary<string, string>(), caller: null);

    /// <summary>The server's policy over HTTP: as over stdio, and the tools that use the server's disk withheld unless allowed.</summary>
    public static AccessPolicy ForServer(ServerSettings settings, HttpServeSettings http) => new(
        settings.Access,
        settings.Confirm,
        http.AllowImports
            ? new Dictionary<string, string>()
            : ServerFileTools.ToDictionary(
                t => t,
                t => $"{t} reads files on the server's disk, which this server does not allow over HTTP (the server's operator can set {HttpServeSettings.AllowImportsVariable}=true, with {ServerSettings.ImportRootsVariable})."),
        caller: null);

    /// <summary>This (server) policy narrowed by <paramref name="caller"/>'s own restrictions.</summary>
    public AccessPolicy For(Caller? caller) => caller is null ? this : new(_server, Confirm, _withheld, caller);

    /// <summary>Why <paramref name="tool"/> may not be called by this caller, or null when it may.</summary>
    public string? Refusal(Tool tool)
    {
        if (_withheld.TryGetValue(tool.Name, out var reason))
        {
            return reason;
        }

        return ToolRefusal(tool, _server, null) ?? (Caller is { } caller ? ToolRefusal(tool, caller.Restrictions, caller.Name) : null);
    }

    /// <summary>Why call_operation may not call <paramref name="operation"/> for this caller, or null when it may.</summary>
    public string? Refusal(ApiOperation operation) =>
        OperationRefusal(operation, _server, null) ?? (Caller is { } caller ? OperationRefusal(operation, caller.Restrictions, caller.Name) : null);

    /// <summary>
    /// Why this caller is not offered a prompt that tells the agent to call <paramref name="promptTools"/> (found among
    /// <paramref name="tools"/>), or null when it may use every one of them.
    /// </summary>
    public string? PromptRefusal(string prompt, IReadOnlyList<string> promptTools, McpServerPrimitiveCollection<McpServerTool>? tools)
    {
        foreach (var name in promptTools)
        {
            if (tools is null || !tools.TryGetPrimitive(name, out var tool))
            {
                return $"The prompt {prompt} uses {name}, which this server does not have.";
            }

            if (Refusal(tool.ProtocolTool) is { } refusal)
            {
                return $"The prompt {prompt} uses {name}, which this caller may not use: {refusal}";
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="tool"/> as tools/list shows it to this caller, or null when it is not offered. Where only reads
    /// are allowed call_operation can only read, so it is listed as read-only: every tool such a caller sees is read-only.
    /// </summary>
    public Tool? Present(Tool tool)
    {
        if (Refusal(tool) is not null)
        {
            return null;
        }

        if (!ReadOnly || tool.Name != ApiTools.CallOperationName)
        {
            return tool;
        }

        return new Tool
        {
            Name = tool.Name,
            Title = tool.Title,
            Description = tool.Description + " This server is read-only: only operations that read are called.",
            InputSchema = tool.InputSchema,
            OutputSchema = tool.OutputSchema,
            Icons = tool.Icons,
            Meta = tool.Meta,
            Annotations = new ToolAnnotations
            {
                Title = tool.Annotations?.Title,
                ReadOnlyHint = true,
                DestructiveHint = false,
                IdempotentHint = true,
                OpenWorldHint = tool.Annotations?.OpenWorldHint,
            },
        };
    }

    /// <summary>The server's instructions for this caller: the offered tools among <paramref name="tools"/>, and the rules that hold for them.</summary>
    public string Instructions(IEnumerable<Tool> tools) =>
        ServerInstructions.For(tools.Where(t => Refusal(t) is null).Select(t => t.Name), ReadOnly, DraftsOnly, Confirm, AllowsUserContent);

    /// <summary>
    /// Whether calling <paramref name="tool"/> may change data in Klaviyo: a tool not annotated read-only, or
    /// call_operation with an <paramref name="operation"/> that does not only read.
    /// </summary>
    public static bool ChangesData(Tool tool, ApiOperation? operation) =>
        tool.Name == ApiTools.CallOperationName ? operation is not null && operation.Access != OperationAccess.Read : !Reads(tool);

    /// <summary>Why drafts-only refuses <paramref name="what"/> when the server itself runs drafts-only.</summary>
    public static string ServerDraftsOnlyRefusal(string what) =>
        $"{what} reaches real people or cannot be undone, and this server runs in drafts-only mode (--drafts-only or KLAVIYO_DRAFTS_ONLY=true): draft and preview here, send from Klaviyo.";

    // A tool that only reads. call_operation is allowed under read-only: it then calls reads only.
    private static bool Reads(Tool tool) => tool.Annotations?.ReadOnlyHint == true || tool.Name == ApiTools.CallOperationName;

    // A tool whose operation is destructive in the catalogue (a test holds the annotation equal to it). call_operation is
    // allowed under drafts-only: it then refuses destructive operations one by one.
    private static bool Destroys(Tool tool) => tool.Annotations?.DestructiveHint == true && tool.Name != ApiTools.CallOperationName;

    /// <summary>Why <paramref name="restrictions"/> refuse <paramref name="tool"/>; <paramref name="caller"/> null means the server's own.</summary>
    private static string? ToolRefusal(Tool tool, AccessRestrictions restrictions, string? caller)
    {
        if (restrictions.Tools is { } chosen && !chosen.Contains(tool.Name))
        {
            return caller is null
                ? $"{tool.Name} is not enabled on this server (it was started with --toolsets or --tools that leave it out)."
                : $"{tool.Name} is not among the toolsets {caller} may use.";
        }

        if (restrictions.ReadOnly && !Reads(tool))
        {
            return caller is null
                ? $"{tool.Name} changes data in Klaviyo, and this server runs in read-only mode (--read-only or KLAVIYO_READ_ONLY=true)."
                : $"{tool.Name} changes data in Klaviyo, and {caller} is read-only.";
        }

        if (restrictions.DraftsOnly && Destroys(tool))
        {
            return caller is null ? ServerDraftsOnlyRefusal(tool.Name) : CallerDraftsOnlyRefusal(tool.Name, caller);
        }

        if (restrictions.NoUserContent && UserContentTools.Contains(tool.Name))
        {
            return caller is null
                ? $"{tool.Name} reads what people outside the account wrote (event properties), and this server does not pass user content to agents (--no-user-content or KLAVIYO_ALLOW_USER_CONTENT=false)."
                : $"{tool.Name} reads what people outside the account wrote (event properties), and {caller} may not read user content.";
        }

        return null;
    }

    private static string? OperationRefusal(ApiOperation operation, AccessRestrictions restrictions, string? caller)
    {
        if (restrictions.Areas is { } areas && (!Toolsets.Areas.TryGetValue(operation.Tag, out var area) || !areas.Contains(area)))
        {
            var chosen = string.Join(",", areas.Order(StringComparer.Ordinal));
            return caller is null
                ? $"{operation.Id} is in the {operation.Tag} area, which this server was not started with (--toolsets {chosen})."
                : $"{operation.Id} is in the {operation.Tag} area, which {caller} may not use (its toolsets: {chosen}).";
        }

        if (restrictions.ReadOnly && operation.Access != OperationAccess.Read)
        {
            return caller is null
                ? $"{operation.Id} changes data in Klaviyo, and this server runs in read-only mode (--read-only or KLAVIYO_READ_ONLY=true)."
                : $"{operation.Id} changes data in Klaviyo, and {caller} is read-only.";
        }

        if (restrictions.DraftsOnly && operation.Access == OperationAccess.Destructive)
        {
            return caller is null ? ServerDraftsOnlyRefusal(operation.Id) : CallerDraftsOnlyRefusal(operation.Id, caller);
        }

        return null;
    }

    private static string CallerDraftsOnlyRefusal(string what, string caller) =>
        $"{what} reaches real people or cannot be undone (it sends, deletes, changes consent or sets a flow live), and {caller} may only make changes that can be taken back (drafts only).";
}
