using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>
/// Every operation of Klaviyo's API (revision 2026-07-15, 345 operations), from <c>operations.json</c>, which is
/// generated from the official OpenAPI spec and embedded in this assembly. <see cref="Default"/> loads it on first use,
/// so a process that never looks an operation up never pays for it.
/// </summary>
public sealed class OperationCatalog
{
    private const string ResourceName = "Klaviyo.Client.Operations.operations.json";

    private static readonly Lazy<OperationCatalog> s_default = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, ApiOperation> _byId;
    private readonly Dictionary<string, ApiOperation> _byIdIgnoringCase;
    private readonly Dictionary<string, List<(ApiOperation Operation, string[] Segments)>> _byMethod;

    private OperationCatalog(OperationCatalogFile file)
    {
        Revision = file.Revision;
        Operations = file.Operations;
        Definitions = file.Definitions;
        _byId = new(StringComparer.Ordinal);
        _byIdIgnoringCase = new(StringComparer.OrdinalIgnoreCase);
        _byMethod = new(StringComparer.OrdinalIgnoreCase);
        foreach (var operation in Operations)
        {
            operation.Catalog = this;
            _byId.Add(operation.Id, operation);
            _byIdIgnoringCase.TryAdd(operation.Id, operation);
            if (!_byMethod.TryGetValue(operation.Method, out var templates))
            {
                _byMethod[operation.Method] = templates = [];
            }

            templates.Add((operation, operation.Path.Trim('/').Split('/')));
        }

        // Aliases come second, so that an operation's own id always wins over another's alias.
        foreach (var operation in Operations)
        {
            foreach (var alias in operation.Aliases)
            {
                _byId.TryAdd(alias, operation);
                _byIdIgnoringCase.TryAdd(alias, operation);
            }
        }

        Tags = [.. Operations.Select(o => o.Tag).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The catalogue embedded in this assembly, loaded on first use (thread-safe).</summary>
    public static OperationCatalog Default => s_default.Value;

    /// <summary>The API revision the catalogue describes, e.g. <c>2026-07-15</c>.</summary>
    public string Revision { get; }

    /// <summary>Every operation, client-side ones included (see <see cref="ApiOperation.ClientSide"/>), ordered by id.</summary>
    public IReadOnlyList<ApiOperation> Operations { get; }

    /// <summary>The API areas (the operations' first tags), in order.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The compact schemas that request bodies refer to as <c>#/$defs/Name</c>.</summary>
    internal JsonElement Definitions { get; }

    /// <summary>Reads a catalogue file (UTF-8 JSON in the shape of <c>operations.json</c>).</summary>
    public static OperationCatalog Load(Stream utf8Json)
    {
        var file = JsonSerializer.Deserialize(utf8Json, OperationCatalogJsonContext.Default.OperationCatalogFile)
            ?? throw new InvalidDataException("The operation catalogue is empty");
        return new OperationCatalog(file);
    }

    /// <summary>
    /// The operation with this id: exact first, then ignoring case; an alias from the spec
    /// (<c>x-klaviyo-operation-aliases</c>, e.g. <c>subscribe_profiles</c>) works too. Null when there is none.
    /// </summary>
    public ApiOperation? Find(string operationId)
    {
        ArgumentNullException.ThrowIfNull(operationId);
        var id = operationId.Trim();
        return _byId.TryGetValue(id, out var exact) ? exact : _byIdIgnoringCase.GetValueOrDefault(id);
    }

    /// <summary>
    /// The operation a request goes to, from its method and concrete path (<c>/api/lists/L1/relationships/profiles</c>,
    /// with or without the leading slash or a query string). A literal segment beats a parameter, so
    /// <c>/api/lists/{id}/relationships/profiles</c> never matches <c>/api/lists/{id}/profiles</c>. Null when none matches.
    /// </summary>
    public ApiOperation? Match(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        if (!_byMethod.TryGetValue(method, out var templates))
        {
            return null;
        }

        var end = path.IndexOfAny(['?', '#']);
        var segments = (end >= 0 ? path[..end] : path).Trim('/').Split('/');
        ApiOperation? best = null;
        var fewestParameters = int.MaxValue;
        foreach (var (operation, template) in templates)
        {
            if (template.Length != segments.Length)
            {
                continue;
            }

            var parameters = 0;
            var matches = true;
            for (var i = 0; i < template.Length && matches; i++)
            {
                if (template[i].StartsWith('{'))
                {
                    parameters++;
                    matches = segments[i].Length > 0;
                }
                else
                {
                    matches = string.Equals(template[i], segments[i], StringComparison.Ordinal);
                }
            }

            if (matches && parameters < fewestParameters)
            {
                best = operation;
                fewestParameters = parameters;
            }
        }

        return best;
    }

    private static OperationCatalog LoadEmbedded()
    {
        using var stream = typeof(OperationCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(OperationCatalog).Assembly.GetName().Name}");
        return Load(stream);
    }
}
