using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Klaviyo.Mcp.Errors;

/// <summary>
/// Explains arguments the SDK could not bind to a tool's parameters (a missing required argument, a string where a
/// number belongs, an unknown field) as argument paths and rules, instead of .NET type names.
/// </summary>
internal static partial class ArgumentBindingErrors
{
    /// <summary>
    /// The violations when <paramref name="exception"/> is the SDK failing to bind the call's arguments to the tool's
    /// parameters; null when it is not (the arguments bind, so the exception came from the tool's own work, after
    /// which something may have been sent: it must not be reported as "nothing was sent").
    /// </summary>
    public static IReadOnlyList<ArgumentViolation>? TryExplain(RequestContext<CallToolRequestParams> context, Exception exception)
    {
        if (exception is not (JsonException or ArgumentException))
        {
            return null;
        }

        if (exception is ArgumentException && MissingParameter().Match(exception.Message) is { Success: true } missing)
        {
            return [new ArgumentViolation(missing.Groups[1].Value, "is required")];
        }

        var violations = new List<ArgumentViolation>();
        var method = (context.MatchedPrimitive as McpServerTool)?.Metadata.OfType<MethodInfo>().FirstOrDefault();
        if (method is not null && context.Params?.Arguments is { } arguments)
        {
            foreach (var parameter in method.GetParameters())
            {
                if (parameter.Name is not { } name || !arguments.TryGetValue(name, out var value))
                {
                    continue;
                }

                try
                {
                    JsonSerializer.Deserialize(value, McpJson.Options.GetTypeInfo(parameter.ParameterType));
                }
                catch (JsonException failure)
                {
                    violations.Add(new ArgumentViolation(Join(name, failure.Path), Rule(failure, LeafType(parameter.ParameterType, failure.Path))));
                }
            }
        }

        return violations.Count == 0 ? null : violations;
    }

    private static string Join(string name, string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? name : name + jsonPath.TrimStart('$');

    private static string Rule(Exception failure, Type? leafType)
    {
        var message = failure.Message;
        if (UnknownMember().Match(message) is { Success: true } unknown)
        {
            return $"is not a field this tool knows (\"{unknown.Groups[1].Value}\"); check the spelling against the input schema";
        }

        if (ConvertedTo().IsMatch(message))
        {
            return "must be " + JsonKind(leafType);
        }

        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }

    /// <summary>The .NET type a JSON path inside an argument leads to (<c>$.location.latitude</c> of a profile is <c>double?</c>), or null.</summary>
    private static Type? LeafType(Type root, string? jsonPath)
    {
        var type = root;
        foreach (var segment in (jsonPath ?? "$").Split('.', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var name = segment.Split('[')[0];
            var property = McpJson.Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
        }

        return type;
    }

    private static string JsonKind(Type? type) => (type is null ? null : Nullable.GetUnderlyingType(type) ?? type) switch
    {
        null => "of the type the input schema gives",
        var t when t == typeof(double) || t == typeof(float) || t == typeof(decimal) || t == typeof(int) || t == typeof(long) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(string) => "a string",
        var t when t.IsArray => "an array",
        _ => "an object",
    };

    [GeneratedRegex(@"required parameter '([^']+)'")]
    private static partial Regex MissingParameter();

    [GeneratedRegex(@"The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"could not be converted to ")]
    private static partial Regex ConvertedTo();
}
