using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>
/// One operation of Klaviyo's API as the spec (revision 2026-07-15) describes it: method, path, parameters, filter
/// fields, body schema, scopes, rate limit, and what it does (<see cref="Access"/>, <see cref="SafeToRepeat"/>). Checks
/// a request before it is sent (<see cref="ValidateRequest"/>) and builds its path and query string.
/// </summary>
public sealed record ApiOperation
{
    private readonly IReadOnlyList<string> _aliases = [];
    private readonly IReadOnlyList<string> _scopes = [];
    private readonly IReadOnlyList<ApiConditionalRateLimit> _conditionalRateLimits = [];
    private readonly IReadOnlyList<string> _pathParameters = [];
    private readonly IReadOnlyList<ApiQueryParameter> _queryParameters = [];
    private readonly IReadOnlyList<ApiFilterField> _filterFields = [];

    private OperationCatalog? _catalog;
    private BodySchemaValidator? _validator;
    // Boxed, so that a cache filled by two threads at once is never seen half written.
    private StrongBox<JsonElement>? _displaySchema;
    private StrongBox<JsonElement>? _exampleBody;

    /// <summary>The spec's operationId, e.g. <c>get_profiles</c>.</summary>
    public required string Id { get; init; }

    /// <summary>GET, POST, PATCH or DELETE.</summary>
    public required string Method { get; init; }

    /// <summary>The path template, e.g. <c>/api/profiles/{id}</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The API area: the operation's first tag, e.g. <c>Profiles</c>.</summary>
    public required string Tag { get; init; }

    public required string Summary { get; init; }

    /// <summary>Other names the spec gives the operation (<c>x-klaviyo-operation-aliases</c>).</summary>
    public IReadOnlyList<string> Aliases { get => _aliases; init => _aliases = value ?? []; }

    public OperationAccess Access { get; init; }

    /// <summary>
    /// Whether a retry after an ambiguous failure (5xx, timeout, dropped connection) cannot duplicate an effect, for
    /// any body; <see cref="IsSafeToRepeat"/> answers for one request.
    /// </summary>
    public bool SafeToRepeat { get; init; }

    /// <summary>A <c>/client/</c> operation for browsers and apps (public key, no private key): never called server-side.</summary>
    public bool ClientSide { get; init; }

    /// <summary>The private key's scopes the operation needs (<c>x-klaviyo-scopes</c>).</summary>
    public IReadOnlyList<string> Scopes { get => _scopes; init => _scopes = value ?? []; }

    public required ApiRateLimit RateLimit { get; init; }

    public IReadOnlyList<ApiConditionalRateLimit> ConditionalRateLimits { get => _conditionalRateLimits; init => _conditionalRateLimits = value ?? []; }

    /// <summary>The path template's parameters, in order (<c>id</c>, <c>job_id</c>).</summary>
    public IReadOnlyList<string> PathParameters { get => _pathParameters; init => _pathParameters = value ?? []; }

    public IReadOnlyList<ApiQueryParameter> QueryParameters { get => _queryParameters; init => _queryParameters = value ?? []; }

    /// <summary>The fields the <c>filter</c> parameter may compare; empty when the operation has no filter.</summary>
    public IReadOnlyList<ApiFilterField> FilterFields { get => _filterFields; init => _filterFields = value ?? []; }

    /// <summary>The request body; null when the operation takes none.</summary>
    public ApiRequestBody? Body { get; init; }

    public OperationResponseKind Response { get; init; }

    /// <summary>The query parameter that carries a page cursor (<c>page[cursor]</c> or <c>page_cursor</c>); null when the operation does not page.</summary>
    [JsonIgnore]
    public string? CursorParameter => QueryParameters.FirstOrDefault(p => p.Kind == QueryParameterKind.PageCursor)?.Name;

    /// <summary>
    /// The body schema to show: <see cref="ApiRequestBody.Schema"/> with its references resolved, at most 8 KB (8192
    /// bytes) as JSON. Where the whole schema is larger (flows, segments, forms, templates, campaigns), the deepest
    /// references are left as <c>{"type": "object", "$comment": "Name: not expanded"}</c>; enums of more than 100
    /// values (time zones) are summarised in a <c>$comment</c>. Null when the operation takes no body.
    /// </summary>
    [JsonIgnore]
    public JsonElement? DisplaySchema => Body is null ? null : (_displaySchema ??= new(DisplaySchemaBuilder.Build(Body.Schema, Catalog.Definitions))).Value;

    /// <summary>The catalogue the operation belongs to, for the shared schema definitions (set when the catalogue is loaded).</summary>
    internal OperationCatalog Catalog
    {
        get => _catalog ?? throw new InvalidOperationException($"{Id} is not part of a loaded catalogue");
        set => _catalog = value;
    }

    /// <summary>The query parameter of that name (exact), or null.</summary>
    public ApiQueryParameter? QueryParameter(string name) => QueryParameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Whether this request can be repeated after an ambiguous failure; see <see cref="OperationAccessRules.IsSafeToRepeat(ApiOperation, JsonElement?)"/>.</summary>
    public bool IsSafeToRepeat(JsonElement? body = null) => OperationAccessRules.IsSafeToRepeat(this, body);

    /// <summary>
    /// Every way <paramref name="body"/> breaks the operation's body schema, deduplicated, with paths such as
    /// <c>body.data.attributes.name</c>; empty when it is valid. A missing body where one is required, or a body
    /// given to an operation that takes none, is a violation too.
    /// </summary>
    public IReadOnlyList<OperationViolation> ValidateBody(JsonElement? body)
    {
        if (body is not { ValueKind: not JsonValueKind.Undefined } given)
        {
            return Body is null ? [] : [new("body", $"is required: {Id} takes a {(Body.SchemaName ?? "JSON")} body")];
        }

        if (Body is null)
        {
            return given.ValueKind == JsonValueKind.Null ? [] : [new("body", $"must be left out: {Id} takes no body")];
        }

        var validator = _validator ??= new BodySchemaValidator(Body.Schema, Catalog.Definitions);
        return validator.Validate(given);
    }

    /// <summary>
    /// Every violation of the whole request: a client-side operation (never called server-side), path parameters (each given and not blank, none unknown), query parameters
    /// (known, allowed values, <c>page[size]</c> within bounds, required ones present, a well-formed <c>filter</c> on
    /// filterable fields) and the body.
    /// </summary>
    public IReadOnlyList<OperationViolation> ValidateRequest(
        IReadOnlyDictionary<string, string?>? pathParams, IReadOnlyDictionary<string, JsonElement>? query, JsonElement? body)
    {
        var violations = new List<OperationViolation>();
        if (ClientSide)
        {
            violations.Add(new("operation", $"{Id} is a client-side operation (for browsers and apps, with a public key): it is not called with a private key"));
        }

        RequestParameterRules.CheckPath(this, pathParams, violations);
        RequestParameterRules.CheckQuery(this, query, violations);
        violations.AddRange(ValidateBody(body));
        return [.. violations.Distinct()];
    }

    /// <summary>
    /// A minimal valid body: required members only, the first allowed value of every enum (so <c>data.type</c> is
    /// right), one item in every array, and placeholder text, dates and URLs. Null when the operation takes no body.
    /// </summary>
    public JsonElement? ExampleBody() => Body is null ? null : (_exampleBody ??= new(ExampleBodyBuilder.Build(Body.Schema, Catalog.Definitions))).Value;

    /// <summary>
    /// The relative request path: the template with every parameter filled in and escaped, without a leading slash
    /// (<c>/api/profiles/{id}</c> with <c>id = "abc/1"</c> gives <c>api/profiles/abc%2F1</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A path parameter is missing or blank.</exception>
    public string BuildPath(IReadOnlyDictionary<string, string?>? pathParams)
    {
        var path = Path;
        foreach (var name in PathParameters)
        {
            var value = pathParams is not null && pathParams.TryGetValue(name, out var given) ? given : null;
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{Id} needs the path parameter {name}", nameof(pathParams));
            }

            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return path.TrimStart('/');
    }

    /// <summary>
    /// The query string as Klaviyo expects it, the way <see cref="KlaviyoQuery"/> writes it: <c>?name=value&amp;...</c>
    /// with values percent-encoded, lists (JSON arrays or comma-separated strings) trimmed and comma-joined; empty
    /// when nothing is set. <paramref name="cursor"/>, when given, goes into <see cref="CursorParameter"/>.
    /// </summary>
    public string BuildQueryString(IReadOnlyDictionary<string, JsonElement>? query, string? cursor = null) =>
        RequestParameterRules.QueryString(this, query, cursor);

    /// <summary>Operations are equal when their id, method and path are (the cached schemas and validator do not count).</summary>
    public bool Equals(ApiOperation? other) => other is not null && Id == other.Id && Method == other.Method && Path == other.Path;

    public override int GetHashCode() => HashCode.Combine(Id, Method, Path);

    /// <summary><c>id (METHOD path)</c>.</summary>
    public override string ToString() => $"{Id} ({Method} {Path})";
}
