using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Klaviyo.Client;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Manifest;
using Klaviyo.Mcp.Confirmation;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Api;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Tools;

/// <summary>
/// The whole Klaviyo API in three tools, driven by the operation catalogue built from Klaviyo's OpenAPI spec: find an
/// operation, read how to call it, and call it with every part of the request checked against the spec first.
/// </summary>
[McpServerToolType]
public sealed class ApiTools(KlaviyoClient klaviyo, AccessPolicy access, ResultBudget budget, ConfirmationGate gate)
{
    public const string CallOperationName = "call_operation";

    [ToolOperation(ToolOperationAttribute.WholeApi)]
    [McpServerTool(Name = "find_operations", Title = "Find Klaviyo API operations", ReadOnly = true, OpenWorld = false)]
    [Description("Search Klaviyo's whole API (333 operations) by words, e.g. \"coupon codes\", for what no other tool does.")]
    public CallToolResult FindOperations(
        [Description("Words describing what to do.")] string query,
        [Description("API area, e.g. Coupons.")] string? tag = null,
        [Description("1 to 50, default 10.")] int? limit = null)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("query", query, errors);
        if (limit is { } n && (n < 1 || n > 50))
        {
            errors.Add("limit", $"{n} is outside 1 to 50");
        }

        var area = ChoiceRules.One("tag", tag, Toolsets.Areas.Keys.ToArray(), errors);
        errors.ThrowIfAny();

        var found = OperationSearch.Find(query, area, limit ?? 10);
        return ToolResults.Success(
            new FoundOperations
            {
                Items = [.. found.Select(o => new FoundOperation { Operation = o.Id, Method = o.Method, Path = o.Path, Summary = o.Summary, Access = AccessText(o) })],
                Note = found.Count == 0 ? "Nothing matched; try other words, or leave out tag." : null,
            },
            ToolJsonContext.Default.FoundOperations);
    }

    [ToolOperation(ToolOperationAttribute.WholeApi)]
    [McpServerTool(Name = "describe_operation", Title = "Describe a Klaviyo API operation", ReadOnly = true, OpenWorld = false)]
    [Description("How to call an operation: parameters, filter fields, body schema and example.")]
    public CallToolResult DescribeOperation(
        [Description("operationId from find_operations, e.g. \"get_coupon_codes\".")] string operation)
    {
        var found = Resolve(operation);
        var filter = found.FilterFields.Count == 0 ? null : found.FilterFields.Select(f => new OperationFilterField
        {
            Field = f.Field,
            Operators = [.. f.Operators, .. f.ListOperators.Except(f.Operators), .. f.NoValueOperators],
            Type = FilterTypeText(f.Type),
            Allowed = f.Values,
        }).ToList();
        return ToolResults.Success(
            new OperationDescription
            {
                Operation = found.Id,
                Method = found.Method,
                Path = found.Path,
                Summary = found.Summary,
                Access = AccessText(found),
                Scopes = found.Scopes,
                RateLimit = new OperationRateLimit(found.RateLimit.Burst, found.RateLimit.Steady, found.RateLimit.Daily),
                PathParams = found.PathParameters,
                QueryParams = [.. found.QueryParameters.Select(Describe)],
                Filter = filter,
                Body = found.DisplaySchema,
                ExampleBody = found.ExampleBody(),
                Note = Note(found),
            },
            ToolJsonContext.Default.OperationDescription);
    }

    [ToolOperation(ToolOperationAttribute.WholeApi)]
    [McpServerTool(Name = CallOperationName, Title = "Call a Klaviyo API operation", Destructive = true)]
    [Description("Call any Klaviyo API operation (operationId from find_operations); checked against the spec before sending. Next page: the same call with cursor.")]
    public async Task<CallToolResult> CallOperation(
        RequestContext<CallToolRequestParams> request,
        [Description("operationId, e.g. \"get_coupons\".")] string operation,
        [Description("Path parameters, e.g. { \"id\": \"XyZ123\" }.")] Dictionary<string, string>? path_params = null,
        [Description("By Klaviyo name, e.g. {\"filter\": \"equals(email,\\\"a@b.com\\\")\", \"page[size]\": 20}.")] Dictionary<string, JsonElement>? query = null,
        [Description("The JSON:API request document, as describe_operation shows it.")] JsonElement? body = null,
        [Description("next_cursor from the previous result of this operation.")] string? cursor = null,
        [Description("After their yes.")] string? confirmation_token = null,
        CancellationToken cancellationToken = default)
    {
        var found = Resolve(operation);
        if (access.Refusal(found) is { } refusal)
        {
            throw new ToolFailureException(refusal + " " + ToolErrorMessages.NothingSent + ".");
        }

        if (found.Body?.ContentType == RequestContentType.Multipart)
        {
            throw new ToolFailureException($"{found.Id} uploads a file as multipart/form-data, which call_operation does not send: use the tool upload_image_from_file for a local file, or upload_image_from_url for a public URL; {ToolErrorMessages.NothingSent}.");
        }

        var errors = new ArgumentErrors();
        var current = PageRules.Cursor(cursor, errors);
        if (cursor is not null && found.CursorParameter is null)
        {
            errors.Add("cursor", $"{found.Id} does not page; leave cursor out");
        }

        if (query is not null && found.CursorParameter is { } cursorName && query.ContainsKey(cursorName) && cursor is not null)
        {
            errors.Add($"query.{cursorName}", "give the page either as cursor or here, not both");
        }

        var bodyValue = body is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given ? given : (JsonElement?)null;
        var pathValues = path_params?.ToDictionary(p => p.Key, p => (string?)p.Value);
        foreach (var violation in found.ValidateRequest(pathValues, query, bodyValue))
        {
            errors.Add(violation.Path, violation.Rule);
        }

        errors.ThrowIfAny();
        if (found.Access == OperationAccess.Destructive &&
            await gate.ConfirmAsync(request, $"Call {found.Id}: {found.Method} {found.BuildPath(pathValues)} ({found.Summary}). It reaches real people or cannot be undone." + (bodyValue is { } b ? $" Body: {PlainText(b)}" : ""), cancellationToken).ConfigureAwait(false) is { } unconfirmed)
        {
            return unconfirmed;
        }

        var call = new ToolCallDescriptor(
            found.Id,
            found.Id,
            new ArgumentPointerMap(("/", "body.")),
            found.QueryParameters.ToDictionary(p => p.Name, p => "query." + p.Name));
        var document = await KlaviyoCalls.RunAsync(
            call,
            () => klaviyo.CallOperationAsync(found, found.BuildPath(pathValues), found.BuildQueryString(query, current.KlaviyoCursor), bodyValue, cancellationToken)).ConfigureAwait(false);
        return Shape(found, document, current);
    }

    /// <summary>The body as a summary shows it: compact JSON with every string and key sanitized, cut on a code-point boundary.</summary>
    private static string PlainText(JsonElement body)
    {
        var text = UntrustedText.Sanitize(System.Text.Json.Nodes.JsonNode.Parse(body.GetRawText()))?.ToJsonString(McpJson.Options) ?? "null";
        return text.Length <= 1_000 ? text : text[..(char.IsHighSurrogate(text[999]) ? 999 : 1_000)] + "…";
    }

    private CallToolResult Shape(ApiOperation operation, JsonApiDocument document, PageCursor current)
    {
        var status = (int)document.Status;
        if (document.Root.ValueKind != JsonValueKind.Object)
        {
            return ToolResults.Success(
                new System.Text.Json.Nodes.JsonObject
                {
                    ["status"] = status,
                    ["result"] = document.Status == HttpStatusCode.Accepted
                        ? $"Klaviyo accepted the request ({status}); it is processed in the background."
                        : $"Klaviyo accepted the request ({status}).",
                },
                ToolJsonContext.Default.JsonObject);
        }

        if (document.Data.ValueKind == JsonValueKind.Array)
        {
            return ToolResults.Page(document, current, budget);
        }

        if (document.Data.ValueKind == JsonValueKind.Object)
        {
            var resource = JsonApiShaper.Flatten(document.Data, JsonApiShaper.Index(document));
            if (document.Status == HttpStatusCode.Accepted)
            {
                resource["note"] = string.Create(CultureInfo.InvariantCulture,
                    $"Klaviyo accepted this {(document.Data.TryGetProperty("type", out var type) ? type.GetString() : "job")} ({status}) and works on it in the background; its id is the job id to check its status with.");
            }

            return ToolResults.Resource(resource, budget);
        }

        // A document without data (rare): passed through, compacted; any included resources flattened, so that what
        // strangers wrote in them is sanitized and marked as everywhere else.
        var rest = JsonApiShaper.Compact(document.Root) as System.Text.Json.Nodes.JsonObject ?? [];
        if (rest.ContainsKey("included"))
        {
            rest["included"] = new System.Text.Json.Nodes.JsonArray([.. document.Included.Select(r => (System.Text.Json.Nodes.JsonNode)JsonApiShaper.Flatten(r))]);
        }

        return ToolResults.Success(rest, ToolJsonContext.Default.JsonObject);
    }

    private static ApiOperation Resolve(string operation)
    {
        var errors = new ArgumentErrors();
        TextRules.Required("operation", operation, errors);
        errors.ThrowIfAny();
        var found = OperationCatalog.Default.Find(operation);
        if (found is null || found.ClientSide)
        {
            var suggestions = OperationSearch.Suggest(operation.Trim());
            throw new ToolArgumentException("operation",
                $"{IdentifierRules.Quote(operation)} is not an operation of Klaviyo's API{(found is { ClientSide: true } ? " callable with a private key" : "")}; " +
                (suggestions.Count > 0 ? $"did you mean {string.Join(", ", suggestions.Select(s => s.Id))}? " : "") +
                "Use find_operations to search.");
        }

        return found;
    }

    private string AccessText(ApiOperation operation)
    {
        var text = operation.Access switch
        {
            OperationAccess.Read => "read",
            OperationAccess.Write => "write",
            _ => "destructive",
        };
        return access.Refusal(operation) is null ? text : text + " (refused here)";
    }

    private static OperationQueryParam Describe(ApiQueryParameter parameter) => new()
    {
        Name = parameter.Name,
        Required = parameter.Required,
        Type = parameter.Kind switch
        {
            QueryParameterKind.Filter => "filter",
            QueryParameterKind.PageCursor => "cursor",
            QueryParameterKind.PageSize => "integer",
            _ when parameter.List => "list",
            _ => "string",
        },
        Allowed = parameter.Values,
        Min = parameter.Minimum,
        Max = parameter.Maximum,
    };

    private static string FilterTypeText(FilterValueType type) => type switch
    {
        FilterValueType.DateTime => "datetime (unquoted ISO 8601)",
        FilterValueType.String => "string (quoted)",
        FilterValueType.Boolean => "boolean",
        FilterValueType.Integer => "integer",
        FilterValueType.Number => "number",
        _ => "none",
    };

    private static string? Note(ApiOperation operation)
    {
        var notes = new List<string>();
        if (operation.FilterFields.Count > 0)
        {
            notes.Add("filter syntax: op(field,value), several joined by commas or and(...); strings quoted, datetimes unquoted, lists as [\"a\",\"b\"].");
        }

        if (operation.CursorParameter is not null)
        {
            notes.Add("pages: pass next_cursor back as cursor.");
        }

        if (operation.Access == OperationAccess.Destructive)
        {
            notes.Add("this reaches real people or cannot be undone: confirm with the person before calling it.");
        }

        return notes.Count == 0 ? null : string.Join(' ', notes);
    }
}
