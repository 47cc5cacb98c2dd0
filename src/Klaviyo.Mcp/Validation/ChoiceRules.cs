namespace Klaviyo.Mcp.Validation;

/// <summary>
/// Arguments that take one of a fixed set of values (channels, statuses, statistics...). Every tool matches them the
/// same way: ignoring case and surrounding spaces, and returns them spelled as Klaviyo spells them.
/// </summary>
public static class ChoiceRules
{
    /// <summary>One of <paramref name="allowed"/>, as Klaviyo spells it; null (and a violation) when it is not one of them.</summary>
    public static string? One(string path, string? value, IReadOnlyCollection<string> allowed, ArgumentErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var match = Match(value, allowed);
        if (match is null)
        {
            errors.Add(path, Rule(value, allowed));
        }

        return match;
    }

    /// <summary>Each of <paramref name="values"/> as Klaviyo spells it; every value that is not allowed is a violation at its index.</summary>
    public static string[]? Each(string path, IReadOnlyList<string>? values, IReadOnlyCollection<string> allowed, ArgumentErrors errors)
    {
        if (values is null)
        {
            return null;
        }

        var canonical = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var match = values[i] is { } value ? Match(value, allowed) : null;
            if (match is null)
            {
                errors.Add($"{path}[{i}]", values[i] is null ? "must not be null" : Rule(values[i], allowed));
            }

            canonical[i] = match ?? values[i];
        }

        return canonical;
    }

    private static string? Match(string value, IReadOnlyCollection<string> allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string Rule(string value, IReadOnlyCollection<string> allowed) =>
        $"{IdentifierRules.Quote(value)} is not one of {string.Join(", ", allowed)}";
}
