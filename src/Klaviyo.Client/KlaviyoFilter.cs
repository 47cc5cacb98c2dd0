using System.Globalization;
using System.Text;

namespace Klaviyo.Client;

/// <summary>
/// Builds Klaviyo filter expressions, the one place their syntax lives: strings double-quoted with <c>\</c> and
/// <c>"</c> escaped, datetimes unquoted ISO 8601 (quoting one is an "invalid filter" error), arrays in brackets,
/// several conditions joined with <c>and(...)</c>.
/// </summary>
public sealed class KlaviyoFilter
{
    private readonly List<string> _conditions = [];

    public KlaviyoFilter Equal(string field, string value) => Add($"equals({field},{Quote(value)})");

    public KlaviyoFilter Equal(string field, bool value) => Add($"equals({field},{(value ? "true" : "false")})");

    public KlaviyoFilter Any(string field, IEnumerable<string> values) => Add($"any({field},[{string.Join(',', values.Select(Quote))}])");

    public KlaviyoFilter Contains(string field, string value) => Add($"contains({field},{Quote(value)})");

    public KlaviyoFilter GreaterOrEqual(string field, DateTimeOffset value) => Add($"greater-or-equal({field},{Format(value)})");

    public KlaviyoFilter LessThan(string field, DateTimeOffset value) => Add($"less-than({field},{Format(value)})");

    /// <summary>Adds an expression the caller wrote in Klaviyo's syntax (e.g. an agent's raw <c>filter</c> argument).</summary>
    public KlaviyoFilter Raw(string? expression) => string.IsNullOrWhiteSpace(expression) ? this : Add(expression.Trim());

    /// <summary>The expression, or null when there is no condition.</summary>
    public override string? ToString() => _conditions.Count switch
    {
        0 => null,
        1 => _conditions[0],
        _ => $"and({string.Join(',', _conditions)})",
    };

    /// <summary>A string literal: double-quoted, with backslashes and double quotes escaped.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.Append('"').ToString();
    }

    /// <summary>A datetime literal: unquoted, UTC, to the second.</summary>
    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private KlaviyoFilter Add(string condition)
    {
        _conditions.Add(condition);
        return this;
    }
}
