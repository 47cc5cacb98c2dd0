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

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Format();
}
