using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Klaviyo.Client.Operations;

/// <summary>
/// A Klaviyo <c>filter</c> expression, parsed: comparisons <c>operator(field,value)</c>, combined with <c>and(...)</c> or
/// with commas at the top level (both mean AND; Klaviyo has no <c>or</c> or <c>not</c>). Values are strings in single or
/// double quotes (a backslash escapes the next character), numbers, <c>true</c>/<c>false</c>, <c>null</c>, unquoted ISO
/// 8601 date-times, and lists in brackets. <see cref="Check"/> holds the comparisons to an operation's filter fields.
/// </summary>
public sealed partial class FilterExpression
{
    private readonly string _text;
    private int _at;

    private FilterExpression(string text) => _text = text;

    /// <summary>The comparisons, all of which must hold (nested <c>and</c>s flattened), in the order written.</summary>
    public IReadOnlyList<FilterCondition> Conditions { get; private set; } = [];

    /// <summary>Parses a filter expression.</summary>
    /// <exception cref="FormatException">The text is not a filter expression; the message says where and why.</exception>
    public static FilterExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var expression = new FilterExpression(text);
        var conditions = new List<FilterCondition>();
        expression.SkipSpace();
        if (expression.AtEnd)
        {
            throw expression.Error("the filter is empty; write e.g. equals(email,\"someone@example.com\")");
        }

        expression.ParseSequence(conditions);
        expression.SkipSpace();
        if (!expression.AtEnd)
        {
            throw expression.Error($"unexpected '{expression.Current}' after the end of an expression (join conditions with commas or and(...))");
        }

        expression.Conditions = conditions;
        return expression;
    }

    /// <summary>Parses a filter expression; false with the reason when it is not one.</summary>
    public static bool TryParse(string text, out FilterExpression? expression, out string? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            expression = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>
    /// What is wrong with the comparisons for an operation with these filter fields: an unknown field, an operator the
    /// field does not take (or takes only with a list, or only without one), and a value of the wrong type (strings
    /// quoted, date-times, numbers and booleans not). Empty when the filter is fine.
    /// </summary>
    public IReadOnlyList<string> Check(IReadOnlyList<ApiFilterField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var problems = new List<string>();
        foreach (var condition in Conditions)
        {
            var at = $"at character {condition.Position}: ";
            var field = fields.FirstOrDefault(f => f.Field == condition.Field);
            if (field is null)
            {
                var close = fields.FirstOrDefault(f => string.Equals(f.Field, condition.Field, StringComparison.OrdinalIgnoreCase));
                problems.Add(at + (fields.Count == 0
                    ? "this operation cannot be filtered"
                    : $"'{condition.Field}' cannot be filtered on{(close is null ? "" : $" (did you mean '{close.Field}'?)")}; filterable fields: {string.Join(", ", fields.Select(f => f.Field))}"));
                continue;
            }

            var allowed = Describe(field);
            if (condition.Value is null)
            {
                if (!field.NoValueOperators.Contains(condition.Operator))
                {
                    problems.Add(at + $"{condition.Operator}({field.Field}) needs a value; '{field.Field}' takes {allowed}");
                }

                continue;
            }

            if (condition.Value.Kind == FilterLiteralKind.List)
            {
                if (!field.ListOperators.Contains(condition.Operator))
                {
                    problems.Add(at + $"{condition.Operator}({field.Field},[...]) is not allowed: '{field.Field}' takes {allowed}");
                    continue;
                }

                if (condition.Value.Items.Count == 0)
                {
                    problems.Add(at + "the list is empty");
                }

                foreach (var item in condition.Value.Items)
                {
                    CheckValue(field, item, condition.Operator, problems);
                }

                continue;
            }

            if (!field.Operators.Contains(condition.Operator))
            {
                problems.Add(at + (field.ListOperators.Contains(condition.Operator)
                    ? $"{condition.Operator} on '{field.Field}' takes a list, e.g. {condition.Operator}({field.Field},[{Sample(field)}])"
                    : $"{condition.Operator}({field.Field},...) is not allowed: '{field.Field}' takes {allowed}"));
                continue;
            }

            CheckValue(field, condition.Value, condition.Operator, problems);
        }

        return problems;
    }

    private static void CheckValue(ApiFilterField field, FilterLiteral value, string op, List<string> problems)
    {
        var at = $"at character {value.Position}: ";
        if (value.Kind == FilterLiteralKind.Null)
        {
            return;
        }

        switch (field.Type)
        {
            case FilterValueType.String:
                if (value.Kind != FilterLiteralKind.String)
                {
                    problems.Add(at + $"'{field.Field}' is compared with a string, which must be quoted: {op}({field.Field},\"{value.Text}\")");
                }
                else if (field.Values is { Count: > 0 } values && !values.Contains(value.Text))
                {
                    problems.Add(at + $"\"{value.Text}\" is not a value of '{field.Field}'; it is one of {string.Join(", ", values)}");
                }

                break;
            case FilterValueType.DateTime:
                if (value.Kind == FilterLiteralKind.String && IsDateTime(value.Text))
                {
                    problems.Add(at + $"date-times are not quoted in Klaviyo filters: {op}({field.Field},{value.Text})");
                }
                else if (value.Kind != FilterLiteralKind.DateTime)
                {
                    problems.Add(at + $"'{field.Field}' is compared with a date-time, written unquoted in ISO 8601, e.g. {op}({field.Field},2026-01-01T00:00:00Z)");
                }

                break;
            case FilterValueType.Boolean:
                if (value.Kind != FilterLiteralKind.Boolean)
                {
                    problems.Add(at + (value.Kind == FilterLiteralKind.String && value.Text is "true" or "false"
                        ? $"booleans are not quoted: {op}({field.Field},{value.Text})"
                        : $"'{field.Field}' is compared with true or false, unquoted"));
                }

                break;
            case FilterValueType.Integer or FilterValueType.Number:
                var integer = field.Type == FilterValueType.Integer;
                if (value.Kind == FilterLiteralKind.String && double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add(at + $"numbers are not quoted: {op}({field.Field},{value.Text})");
                }
                else if (value.Kind != FilterLiteralKind.Number || (integer && !long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
                {
                    problems.Add(at + $"'{field.Field}' is compared with {(integer ? "a whole number" : "a number")}, unquoted");
                }

                break;
        }
    }

    private static string Describe(ApiFilterField field)
    {
        var forms = new List<string>();
        forms.AddRange(field.Operators.Select(o => $"{o}({field.Field},{Sample(field)})"));
        forms.AddRange(field.ListOperators.Select(o => $"{o}({field.Field},[{Sample(field)}])"));
        forms.AddRange(field.NoValueOperators.Select(o => $"{o}({field.Field})"));
        return string.Join(", ", forms);
    }

    private static string Sample(ApiFilterField field) => field.Type switch
    {
        FilterValueType.DateTime => "2026-01-01T00:00:00Z",
        FilterValueType.Boolean => "true",
        FilterValueType.Integer or FilterValueType.Number => "1",
        _ => field.Values is { Count: > 0 } values ? $"\"{values[0]}\"" : "\"...\"",
    };

    private bool AtEnd => _at >= _text.Length;

    private char Current => _text[_at];

    private void ParseSequence(List<FilterCondition> conditions)
    {
        while (true)
        {
            ParseExpression(conditions);
            SkipSpace();
            if (AtEnd || Current != ',')
            {
                return;
            }

            _at++;
        }
    }

    private void ParseExpression(List<FilterCondition> conditions)
    {
        SkipSpace();
        var start = _at;
        while (!AtEnd && (char.IsAsciiLetter(Current) || Current == '-'))
        {
            _at++;
        }

        var name = _text[start.._at];
        if (name.Length == 0)
        {
            throw Error(AtEnd ? "the expression ends where a condition such as equals(field,value) should follow" : $"expected a condition such as equals(field,value), found '{Current}'");
        }

        SkipSpace();
        if (AtEnd || Current != '(')
        {
            throw Error($"expected '(' after {name}");
        }

        _at++;
        switch (name)
        {
            case "and":
                ParseSequence(conditions);
                Expect(')', "to close and(...)");
                return;
            case "or" or "not":
                _at = start;
                throw Error($"Klaviyo filters have no {name}(...): conditions can only be combined with and(...) or with commas, which both mean AND");
        }

        SkipSpace();
        var fieldStart = _at;
        while (!AtEnd && Current is not (',' or ')' or '(' or '\'' or '"' or '['))
        {
            _at++;
        }

        if (!AtEnd && Current is '\'' or '"')
        {
            throw Error("field names are not quoted");
        }

        var field = _text[fieldStart.._at].Trim();
        if (field.Length == 0)
        {
            throw Error($"{name}(...) needs a field name");
        }

        SkipSpace();
        FilterLiteral? value = null;
        if (!AtEnd && Current == ',')
        {
            _at++;
            value = ParseValue();
            SkipSpace();
            if (!AtEnd && Current == ',')
            {
                throw Error($"{name}(...) takes one field and one value; to compare several values use a list: any({field},[\"a\",\"b\"])");
            }
        }

        Expect(')', $"to close {name}(...)");
        conditions.Add(new FilterCondition(name, field, value, start + 1));
    }

    private FilterLiteral ParseValue()
    {
        SkipSpace();
        var start = _at;
        if (AtEnd)
        {
            throw Error("a value is missing");
        }

        if (Current is '\'' or '"')
        {
            var quote = Current;
            _at++;
            var text = new StringBuilder();
            while (!AtEnd && Current != quote)
            {
                if (Current == '\\' && _at + 1 < _text.Length)
                {
                    _at++;
                }

                text.Append(Current);
                _at++;
            }

            if (AtEnd)
            {
                _at = start;
                throw Error($"the string starting here has no closing {quote}");
            }

            _at++;
            return new FilterLiteral(FilterLiteralKind.String, text.ToString(), start + 1);
        }

        if (Current == '[')
        {
            _at++;
            var items = new List<FilterLiteral>();
            SkipSpace();
            if (!AtEnd && Current == ']')
            {
                _at++;
                return new FilterLiteral(FilterLiteralKind.List, "[]", start + 1);
            }

            while (true)
            {
                var item = ParseValue();
                if (item.Kind == FilterLiteralKind.List)
                {
                    throw Error("lists cannot be nested");
                }

                items.Add(item);
                SkipSpace();
                if (!AtEnd && Current == ',')
                {
                    _at++;
                    continue;
                }

                Expect(']', "to close the list");
                return new FilterLiteral(FilterLiteralKind.List, _text[start.._at], start + 1) { Items = items };
            }
        }

        while (!AtEnd && Current is not (',' or ')' or ']' or '(' or '['))
        {
            _at++;
        }

        var token = _text[start.._at].Trim();
        if (token.Length == 0)
        {
            throw Error("a value is missing");
        }

        var kind = token switch
        {
            "true" or "false" => FilterLiteralKind.Boolean,
            "null" => FilterLiteralKind.Null,
            _ when NumberPattern().IsMatch(token) => FilterLiteralKind.Number,
            _ when IsDateTime(token) => FilterLiteralKind.DateTime,
            _ => FilterLiteralKind.Bare,
        };
        return new FilterLiteral(kind, token, start + 1);
    }

    private static bool IsDateTime(string text) =>
        DateTimePattern().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private void Expect(char expected, string purpose)
    {
        SkipSpace();
        if (AtEnd || Current != expected)
        {
            throw Error(AtEnd ? $"the expression ends where '{expected}' is needed {purpose}" : $"expected '{expected}' {purpose}, found '{Current}'");
        }

        _at++;
    }

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _at++;
        }
    }

    private FormatException Error(string message) => new($"at character {Math.Min(_at, _text.Length) + 1}: {message}");

    [GeneratedRegex(@"^-?\d+(\.\d+)?([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();
}
