namespace Klaviyo.Mcp.Validation;

/// <summary>A since/until pair of ISO 8601 arguments, checked together: both parse, and since is not after until.</summary>
public static class TimeRange
{
    public static (DateTimeOffset? Since, DateTimeOffset? Until) Check(string sinceName, string? since, string untilName, string? until, ArgumentErrors errors)
    {
        var from = Parse(sinceName, since, errors);
        var to = Parse(untilName, until, errors);
        if (from is { } f && to is { } t && f > t)
        {
            errors.Add(sinceName, $"{IdentifierRules.Quote(since!)} is after {untilName} {IdentifierRules.Quote(until!)}");
        }

        return (from, to);
    }

    private static DateTimeOffset? Parse(string name, string? value, ArgumentErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        if (IsoTimestamp.TryParse(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(name, $"{IdentifierRules.Quote(value)} is not an ISO 8601 timestamp (e.g. \"2026-07-01T00:00:00Z\" or \"2026-07-01\")");
        return null;
    }
}
