using System.Globalization;
using System.Text.RegularExpressions;

namespace Klaviyo.Mcp.Validation;

/// <summary>Strict ISO 8601 timestamps: a date, optionally a time, optionally an offset (none means UTC).</summary>
public static partial class IsoTimestamp
{
    public static bool TryParse(string value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return Format().IsMatch(value) &&
               DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp);
    }

    /// <summary>Whether the text names its offset (Z or +hh:mm); without one it is read as UTC, or as a report's local time.</summary>
    public static bool HasOffset(string value) => value.EndsWith('Z') || value.EndsWith('z') || (value.Length > 10 && (value[^6] is '+' or '-' || value[^5] is '+' or '-' || value[^3] is '+' or '-'));

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Format();
}
