using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Klaviyo.Client.Operations;

namespace Klaviyo.Mcp.OperationCatalogGeneration;

/// <summary>
/// Generates <c>src/Klaviyo.Client/Operations/operations.json</c> from Klaviyo's OpenAPI spec: one line per operation
/// (ordered by id) and one line per compact schema definition (ordered by name). Access and safe-to-repeat come from
/// <see cref="OperationAccessRules"/>. Body schemas are compacted: references kept as <c>#/$defs/Name</c>, descriptions,
/// examples, titles and defaults dropped, <c>nullable</c> written as a <c>null</c> type, <c>oneOf</c> read as
/// <c>anyOf</c> (Klaviyo's unions accept a value that fits more than one branch, e.g. 5 for integer-or-number), and
/// every object schema that lists its properties closed with <c>additionalProperties: false</c>.
/// </summary>
public static partial class OperationCatalogGenerator
{
    private static readonly HashSet<string> s_dropped = new(StringComparer.Ordinal) { "description", "example", "examples", "title", "default", "readOnly", "writeOnly", "nullable", "externalDocs", "deprecated" };

    private static readonly HashSet<string> s_copied = new(StringComparer.Ordinal)
    {
        "type", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minLength", "maxLength",
        "minProperties", "maxProperties", "pattern", "uniqueItems",
    };

    // Formats that validation checks; "binary" (the multipart image file) is dropped.
    private static readonly HashSet<string> s_formats = new(StringComparer.Ordinal) { "date-time", "date", "time", "uri", "email" };

    private static readonly JsonSerializerOptions s_written = new(OperationCatalogJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The catalogue text for a spec.</summary>
    public static string Generate(string specJson)
    {
        var spec = JsonNode.Parse(specJson)!.AsObject();
        var components = spec["components"]!["schemas"]!.AsObject();
        var referenced = new SortedSet<string>(StringComparer.Ordinal);
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in spec["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                operations.Add(Operation(path, method.ToUpperInvariant(), node!.AsObject(), components, referenced));
            }
        }

        var definitions = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var pending = new Queue<string>(referenced);
        while (pending.Count > 0)
        {
            var name = pending.Dequeue();
            if (definitions.ContainsKey(name))
            {
                continue;
            }

            var found = new SortedSet<string>(StringComparer.Ordinal);
            definitions[name] = Compact(components[name] ?? throw new InvalidDataException($"The spec has no schema {name}"), found);
            foreach (var next in found.Where(n => !definitions.ContainsKey(n)))
            {
                pending.Enqueue(next);
            }
        }

        var text = new StringBuilder();
        text.Append("{\"revision\":").Append(JsonValue.Create((string?)spec["info"]?["version"] ?? "")!.ToJsonString()).Append(",\n\"operations\":[\n");
        text.AppendJoin(",\n", operations.OrderBy(o => o.Id, StringComparer.Ordinal).Select(Line));
        text.Append("\n],\n\"definitions\":{\n");
        text.AppendJoin(",\n", definitions.Select(d => JsonValue.Create(d.Key)!.ToJsonString(s_written) + ":" + d.Value.ToJsonString(s_written)));
        text.Append("\n}}\n");
        return text.ToString();
    }

    private static ApiOperation Operation(string path, string method, JsonObject node, JsonObject components, SortedSet<string> referenced)
    {
        var id = (string)node["operationId"]!;
        var parameters = node["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var queryParameters = parameters.Where(p => (string?)p["in"] == "query").Select(QueryParameter).ToList();
        var pathParameters = TemplateParameter().Matches(path).Select(m => m.Groups[1].Value).ToList();
        var declared = parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).Order(StringComparer.Ordinal);
        if (!declared.SequenceEqual(pathParameters.Order(StringComparer.Ordinal)))
        {
            throw new InvalidDataException($"{id}: path parameters {string.Join(",", declared)} do not match {path}");
        }

        return new ApiOperation
        {
            Id = id,
            Method = method,
            Path = path,
            Tag = (string)node["tags"]![0]!,
            Summary = ((string?)node["summary"] ?? id).Trim(),
            Aliases = Strings(node["x-klaviyo-operation-aliases"]),
            Access = OperationAccessRules.AccessOf(id, method),
            SafeToRepeat = OperationAccessRules.IsSafeToRepeat(id, method, path),
            ClientSide = node["security"] is JsonArray { Count: 0 },
            Scopes = Strings(node["x-klaviyo-scopes"]),
            RateLimit = RateLimit(node["x-klaviyo-ratelimit"] ?? throw new InvalidDataException($"{id} has no x-klaviyo-ratelimit")),
            ConditionalRateLimits = ConditionalRateLimits((string?)node["description"] ?? "", queryParameters),
            PathParameters = pathParameters,
            QueryParameters = queryParameters,
            FilterFields = FilterFields(node["x-klaviyo-filters"]?.AsObject()),
            Body = Body(node["requestBody"]?.AsObject(), referenced),
            Response = Response(id, node["responses"]!.AsObject(), components),
        };
    }

    private static ApiRateLimit RateLimit(JsonNode limit) =>
        new(Rate(limit["burst"], 's')!.Value, Rate(limit["steady"], 'm')!.Value, Rate(limit["daily"], 'd'));

    private static int? Rate(JsonNode? value, char unit)
    {
        if (value is null)
        {
            return null;
        }

        var match = RatePattern().Match((string)value!);
        if (!match.Success || match.Groups[2].Value[0] != unit)
        {
            throw new InvalidDataException($"Unreadable rate limit '{value}' (expected N/{unit})");
        }

        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    // "Rate limits when using the `additional-fields[profile]=predictive_analytics` parameter in your API request: Burst: `10/s` Steady: `150/m`"
    private static List<ApiConditionalRateLimit> ConditionalRateLimits(string description, List<ApiQueryParameter> query)
    {
        var limits = new List<ApiConditionalRateLimit>();
        foreach (Match match in ConditionalLimit().Matches(description))
        {
            var name = match.Groups["parameter"].Value;
            var value = match.Groups["value"].Value;
            if (query.FirstOrDefault(p => p.Name == name) is not { } parameter)
            {
                continue; // a limit for a parameter the operation does not take can never apply
            }

            // The descriptions say include=list where the parameter's value is "lists".
            if (parameter.Values is { } values && !values.Contains(value) && values.Contains(value + "s"))
            {
                value += "s";
            }

            var daily = match.Groups["daily"].Success ? int.Parse(match.Groups["daily"].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
            limits.Add(new(name, value, new ApiRateLimit(
                int.Parse(match.Groups["burst"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(match.Groups["steady"].Value, System.Globalization.CultureInfo.InvariantCulture),
                daily)));
        }

        return limits;
    }

    private static ApiQueryParameter QueryParameter(JsonObject parameter)
    {
        var name = (string)parameter["name"]!;
        var schema = parameter["schema"]!.AsObject();
        var list = (string?)schema["type"] == "array";
        var values = list ? schema["items"]?["enum"] : schema["enum"];
        return new ApiQueryParameter
        {
            Name = name,
            Kind = name switch
            {
                _ when name.StartsWith("fields[", StringComparison.Ordinal) => QueryParameterKind.Fields,
                _ when name.StartsWith("additional-fields[", StringComparison.Ordinal) => QueryParameterKind.AdditionalFields,
                "include" => QueryParameterKind.Include,
                "sort" => QueryParameterKind.Sort,
                "page[size]" => QueryParameterKind.PageSize,
                "page[cursor]" or "page_cursor" => QueryParameterKind.PageCursor,
                "filter" => QueryParameterKind.Filter,
                _ => QueryParameterKind.Other,
            },
            Required = (bool?)parameter["required"] ?? false,
            List = list,
            Values = values is JsonArray ? [.. values.AsArray().Select(v => v!.GetValueKind() == JsonValueKind.String ? (string)v! : v.ToJsonString())] : null,
            Minimum = (int?)schema["minimum"],
            Maximum = (int?)schema["maximum"],
            Default = schema["default"] is JsonValue number && number.GetValueKind() == JsonValueKind.Number ? (int)number : null,
        };
    }

    private static List<ApiFilterField> FilterFields(JsonObject? filters)
    {
        var fields = new List<ApiFilterField>();
        foreach (var (field, node) in filters ?? [])
        {
            var operators = node!["operators"]!;
            var value = node["value"];
            var type = (string?)value?["type"];
            fields.Add(new ApiFilterField
            {
                Field = field,
                Operators = Strings(operators["single"]),
                ListOperators = Strings(operators["list"]),
                NoValueOperators = Strings(operators["none"]),
                Type = type switch
                {
                    null => FilterValueType.None,
                    "string" when (string?)value!["format"] == "date-time" => FilterValueType.DateTime,
                    "string" => FilterValueType.String,
                    "boolean" => FilterValueType.Boolean,
                    "integer" => FilterValueType.Integer,
                    "number" => FilterValueType.Number,
                    _ => throw new InvalidDataException($"Unknown filter value type {type} for {field}"),
                },
                Values = value?["enum"] is JsonArray values ? [.. values.Select(v => v!.GetValueKind() == JsonValueKind.String ? (string)v! : v.ToJsonString())] : null,
            });
        }

        return fields;
    }

    private static ApiRequestBody? Body(JsonObject? body, SortedSet<string> referenced)
    {
        if (body?["content"] is not JsonObject content)
        {
            return null;
        }

        var (mediaType, media) = content.Single();
        var schema = media!["schema"]!;
        var compact = Compact(schema, referenced);
        return new ApiRequestBody
        {
            ContentType = mediaType switch
            {
                "application/vnd.api+json" => RequestContentType.JsonApi,
                "multipart/form-data" => RequestContentType.Multipart,
                _ => throw new InvalidDataException("Unknown request content type " + mediaType),
            },
            SchemaName = ((string?)schema["$ref"])?.Split('/')[^1],
            Schema = JsonDocument.Parse(compact.ToJsonString()).RootElement.Clone(),
        };
    }

    private static OperationResponseKind Response(string id, JsonObject responses, JsonObject components)
    {
        var successes = responses.Where(r => r.Key.Length == 3 && r.Key[0] == '2').OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var withBody = successes.FirstOrDefault(r => r.Value?["content"] is JsonObject);
        if (withBody.Value is null)
        {
            return successes.Count > 0 ? OperationResponseKind.NoContent : throw new InvalidDataException($"{id} has no success response");
        }

        if (withBody.Key == "202")
        {
            return OperationResponseKind.Job;
        }

        var schema = Resolve(withBody.Value["content"]!.AsObject().First().Value!["schema"]!, components);
        var data = schema["properties"]?["data"] is { } d ? Resolve(d, components) : null;
        return (string?)data?["type"] == "array" ? OperationResponseKind.Collection : OperationResponseKind.Resource;
    }

    private static JsonNode Resolve(JsonNode schema, JsonObject components)
    {
        while (schema["$ref"] is { } reference)
        {
            schema = components[((string)reference!).Split('/')[^1]]!;
        }

        return schema;
    }

    private static JsonNode Compact(JsonNode schema, SortedSet<string> referenced)
    {
        var source = schema.AsObject();
        var nullable = (bool?)source["nullable"] == true;
        if (source["$ref"] is { } reference)
        {
            var name = ((string)reference!).Split('/')[^1];
            referenced.Add(name);
            JsonNode target = new JsonObject { ["$ref"] = "#/$defs/" + name };
            return nullable ? new JsonObject { ["anyOf"] = new JsonArray(target, new JsonObject { ["type"] = "null" }) } : target;
        }

        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            switch (key)
            {
                case "oneOf" or "anyOf":
                    result["anyOf"] = new JsonArray([.. value!.AsArray().Select(b => Compact(b!, referenced))]);
                    break;
                case "allOf":
                    result["allOf"] = new JsonArray([.. value!.AsArray().Select(b => Compact(b!, referenced))]);
                    break;
                case "properties":
                    var properties = new JsonObject();
                    foreach (var (name, member) in value!.AsObject())
                    {
                        properties[name] = Compact(member!, referenced);
                    }

                    result["properties"] = properties;
                    break;
                case "items":
                    result["items"] = Compact(value!, referenced);
                    break;
                case "additionalProperties":
                    result["additionalProperties"] = value is JsonObject ? Compact(value, referenced) : value!.DeepClone();
                    break;
                case "required":
                    if (value!.AsArray().Count > 0)
                    {
                        result["required"] = value.DeepClone();
                    }

                    break;
                case "format":
                    if (s_formats.Contains((string)value!))
                    {
                        result["format"] = value!.DeepClone();
                    }

                    break;
                case var copied when s_copied.Contains(copied):
                    result[key] = value?.DeepClone();
                    break;
                case var dropped when s_dropped.Contains(dropped) || dropped.StartsWith("x-", StringComparison.Ordinal):
                    break;
                default:
                    throw new InvalidDataException($"The compactor does not know the schema keyword {key}");
            }
        }

        if (result.ContainsKey("properties") && !result.ContainsKey("additionalProperties"))
        {
            result["additionalProperties"] = false;
        }

        if (nullable)
        {
            if (result["type"] is JsonValue type)
            {
                result["type"] = new JsonArray((string)type!, "null");
            }

            if (result["enum"] is JsonArray values && !values.Any(v => v is null))
            {
                values.Add(null);
            }

            if (result["type"] is null && result["anyOf"] is JsonArray branches)
            {
                branches.Add((JsonNode)new JsonObject { ["type"] = "null" });
            }
        }

        return result;
    }

    private static string Line(ApiOperation operation)
    {
        var node = JsonSerializer.SerializeToNode(operation, s_written.GetTypeInfo(typeof(ApiOperation)))!.AsObject();
        Prune(node);
        foreach (var key in new[] { "query_parameters", "filter_fields", "conditional_rate_limits" })
        {
            foreach (var item in node[key]?.AsArray() ?? [])
            {
                Prune(item!.AsObject());
            }
        }

        return node.ToJsonString(s_written);
    }

    // Leaves out what reads back as the default: false, empty lists.
    private static void Prune(JsonObject node)
    {
        foreach (var (key, value) in node.ToList())
        {
            if (value is JsonArray { Count: 0 } || (value is JsonValue flag && flag.GetValueKind() == JsonValueKind.False))
            {
                node.Remove(key);
            }
        }
    }

    private static List<string> Strings(JsonNode? node) => node is JsonArray array ? [.. array.Select(v => (string)v!)] : [];

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex TemplateParameter();

    [GeneratedRegex(@"^(\d+)/([smd])$")]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"Rate limits when using the `(?<parameter>[^`=]+)=(?<value>[^`]+)` parameter in your API request:<br>Burst: `(?<burst>\d+)/s`<br>Steady: `(?<steady>\d+)/m`(<br>Daily: `(?<daily>\d+)/d`)?")]
    private static partial Regex ConditionalLimit();
}
