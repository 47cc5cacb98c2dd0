using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;

namespace Klaviyo.Mcp.Tools;

/// <summary>
/// What a tool's Klaviyo call is, for explaining its errors: the tool's name, the operation of Klaviyo's API it calls
/// (its scopes come from the operation catalogue, as its rate-limit bucket does), where its body's pointers lead, and
/// which argument each query parameter comes from.
/// </summary>
public sealed record ToolCallDescriptor
{
    public ToolCallDescriptor(string toolName, string operationId, ArgumentPointerMap pointers, IReadOnlyDictionary<string, string>? parameters = null)
    {
        // An operation id is snake_case (get_templates), or empty where the operation is unknown; a scope
        // ("templates:read") or a path here is a slip that would leave a 403's message without its scopes.
        if (!operationId.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            throw new ArgumentException($"\"{operationId}\" is not an operation id of the catalogue.", nameof(operationId));
        }

        ToolName = toolName;
        OperationId = operationId;
        Pointers = pointers;
        Parameters = parameters;
    }

    public string ToolName { get; }

    public string OperationId { get; }

    public ArgumentPointerMap Pointers { get; }

    public IReadOnlyDictionary<string, string>? Parameters { get; }

    /// <summary>The key scopes the operation needs, from the catalogue (looked up only when an error needs them).</summary>
    public string RequiredScopes => OperationId.Length > 0 && OperationCatalog.Default.Find(OperationId) is { } operation
        ? string.Join(" and ", operation.Scopes)
        : "";

    /// <summary>
    /// The operation's rate limit from the catalogue, as "3/s, 60/min", with the stricter limits some query options draw
    /// on ("1/s, 15/min with additional-fields[list]=profile_count"); looked up only when an error needs it.
    /// </summary>
    public string? RateLimit
    {
        get
        {
            if (OperationId.Length == 0 || OperationCatalog.Default.Find(OperationId) is not { } operation)
            {
                return null;
            }

            static string Text(ApiRateLimit limit) => limit.Daily is { } day ? $"{limit.Burst}/s, {limit.Steady}/min, {day}/day" : $"{limit.Burst}/s, {limit.Steady}/min";
            return string.Join("; ", operation.ConditionalRateLimits.Select(c => $"{Text(c.Limit)} with {c.Parameter}={c.Value}").Prepend(Text(operation.RateLimit)));
        }
    }

    /// <summary>An operation that sends no body.</summary>
    public static ToolCallDescriptor Read(string toolName, string operationId, IReadOnlyDictionary<string, string>? parameters = null) =>
        new(toolName, operationId, new ArgumentPointerMap(), parameters);
}
