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
    public static bool IsBindingFailure(Exception exception) => exception is JsonException or ArgumentException;

    public static IReadOnlyList<ArgumentViolation> Explain(RequestContext<CallToolRequestParams> context, Exception exception)
    {
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
                    violations.Add(new ArgumentViolation(Join(name, failure.Path), Rule(failure)));
                }
            }
        }

        if (violations.Count == 0)
        {
            violations.Add(new ArgumentViolation(exception is JsonException json ? Join("arguments", json.Path) : "arguments", Rule(exception)));
        }

        return violations;
    }

    private static string Join(string name, string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? name : name + jsonPath.TrimStart('$');

    private static string Rule(Exception failure)
    {
        var message = failure.Message;
        if (UnknownMember().Match(message) is { Success: true } unknown)
        {
            return $"is not a field this tool knows (\"{unknown.Groups[1].Value}\"); check the spelling against the input schema";
        }

        if (ConvertedTo().Match(message) is { Success: true } converted)
        {
            return "must be " + JsonKind(converted.Groups[1].Value);
        }

        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }

    private static string JsonKind(string dotnetType) => dotnetType switch
    {
        _ when dotnetType.Contains("Double", StringComparison.Ordinal) || dotnetType.Contains("Int", StringComparison.Ordinal) || dotnetType.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when dotnetType.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when dotnetType.Contains("String", StringComparison.Ordinal) && !dotnetType.Contains("Dictionary", StringComparison.Ordinal) => "a string",
        _ when dotnetType.Contains("[]", StringComparison.Ordinal) || dotnetType.Contains("List", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    [GeneratedRegex(@"required parameter '([^']+)'")]
    private static partial Regex MissingParameter();

    [GeneratedRegex(@"The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"could not be converted to ([^ ]+?)\.(?: |$)")]
    private static partial Regex ConvertedTo();
}
