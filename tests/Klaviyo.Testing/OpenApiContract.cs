using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Klaviyo.Testing;

/// <summary>
/// Klaviyo's OpenAPI spec (../shared/klaviyo/openapi/stable.json) as a request-body validator. Loaded once per test
/// run. Every object schema that lists its properties is closed (no additional properties), so a body with a key the
/// spec does not define fails, as well as one that breaks a type, an enum or a required member.
/// </summary>
public static class OpenApiContract
{
    private static readonly Lazy<Spec> s_spec = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The request schema's name for an operation, e.g. <c>EventCreateQueryV2</c> for <c>POST /api/events</c>.</summary>
    public static string RequestSchemaName(string method, string path) => s_spec.Value.Operation(method, path).SchemaName
        ?? throw new InvalidOperationException($"{method} {path} has no JSON request body in the spec");

    /// <summary>The violations of <paramref name="body"/> against the request schema of <c>method path</c>; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(string method, string path, string body)
    {
        var spec = s_spec.Value;
        var schemaName = RequestSchemaName(method, path);
        var schema = spec.Root.Definitions[schemaName];
        return [.. schema.Validate(body, SchemaType.OpenApi3).Select(Describe)];
    }

    /// <summary>Throws with every violation when <paramref name="body"/> does not match the operation's request schema.</summary>
    public static void AssertValid(string method, string path, string body)
    {
        var errors = Validate(method, path, body);
        if (errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"{method} {path} body does not match {RequestSchemaName(method, path)}:\n  " + string.Join("\n  ", errors) + "\nbody: " + Shorten(body));
        }
    }

    /// <summary>True when the spec defines an operation for <paramref name="method"/> and the concrete <paramref name="path"/>.</summary>
    public static bool HasOperation(string method, string path) => s_spec.Value.TryOperation(method, path, out _);

    private static string Describe(ValidationError error) => error switch
    {
        ChildSchemaValidationError child => $"{error.Path}: {error.Kind} [" + string.Join("; ", child.Errors.SelectMany(e => e.Value).Select(Describe)) + "]",
        _ => $"{error.Path}: {error.Kind}",
    };

    private static string Shorten(string body) => body.Length <= 2000 ? body : body[..2000] + "…";

    private static Spec Load()
    {
        var document = JsonNode.Parse(File.ReadAllText(RepositoryPaths.OpenApiSpec))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (_, schema) in schemas)
        {
            CollapseIdenticalOneOf(schema, schemas);
        }

        foreach (var (_, schema) in schemas)
        {
            Close(schema);
        }

        var root = new JsonObject { ["definitions"] = schemas.DeepClone() };
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        var rootSchema = JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();

        var operations = new List<Operation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var reference = operation?["requestBody"]?["content"]?["application/vnd.api+json"]?["schema"]?["$ref"]?.GetValue<string>();
                operations.Add(new Operation(method.ToUpperInvariant(), template, TemplateRegex(template), reference?.Split('/')[^1]));
            }
        }

        return new Spec(rootSchema, operations);
    }

    // The spec gives some properties (send_options) a oneOf of alternatives that are the same schema under different
    // names: no value can match exactly one of them, so strict OAS validation refuses every value, which Klaviyo
    // accepts. Identical alternatives are one schema.
    private static void CollapseIdenticalOneOf(JsonNode? node, JsonObject schemas)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["oneOf"] is JsonArray { Count: > 1 } branches)
                {
                    var resolved = branches.Select(b => b?["$ref"]?.GetValue<string>() is { } reference ? schemas[reference.Split('/')[^1]] : b).ToList();
                    if (resolved.All(r => JsonNode.DeepEquals(r, resolved[0])))
                    {
                        schema["oneOf"] = new JsonArray(branches[0]!.DeepClone());
                    }
                }

                foreach (var (_, child) in schema.ToList())
                {
                    CollapseIdenticalOneOf(child, schemas);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    CollapseIdenticalOneOf(child, schemas);
                }

                break;
        }
    }

    // Closes every object schema that lists its properties; free-form objects ({"type":"object"}) stay open.
    // Walks the schema structure, not the raw JSON, since a property may itself be named "properties".
    private static void Close(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            if (!schema.ContainsKey("additionalProperties"))
            {
                schema["additionalProperties"] = false;
            }

            foreach (var (_, property) in properties)
            {
                Close(property);
            }
        }

        Close(schema["items"]);
        Close(schema["additionalProperties"]);
        foreach (var keyword in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (schema[keyword] is JsonArray branches)
            {
                foreach (var branch in branches)
                {
                    Close(branch);
                }
            }
        }
    }

    private static Regex TemplateRegex(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$");

    private sealed record Operation(string Method, string Template, Regex Pattern, string? SchemaName);

    private sealed record Spec(JsonSchema Root, IReadOnlyList<Operation> Operations)
    {
        public Operation Operation(string method, string path) =>
            TryOperation(method, path, out var operation) ? operation : throw new InvalidOperationException($"The spec has no operation {method} {path}");

        public bool TryOperation(string method, string path, out Operation operation)
        {
            // A literal template (/api/lists/{id}/relationships/profiles vs /api/lists/{id}/profiles) wins over a looser one.
            operation = Operations
                .Where(o => o.Method == method.ToUpperInvariant() && o.Pattern.IsMatch(path))
                .OrderBy(o => o.Template.Count(c => c == '{'))
                .FirstOrDefault()!;
            return operation is not null;
        }
    }
}
