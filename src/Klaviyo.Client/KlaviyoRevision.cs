using System.Globalization;
using System.Text.RegularExpressions;

namespace Klaviyo.Client;

/// <summary>The format of Klaviyo's <c>revision</c> header: <c>YYYY-MM-DD[.suffix]</c>.</summary>
public static partial class KlaviyoRevision
{
    /// <summary>True when <paramref name="revision"/> is a real date, optionally followed by <c>.suffix</c> (e.g. <c>.pre</c>).</summary>
    public static bool IsValid(string? revision)
    {
        if (revision is null || !RevisionFormat().IsMatch(revision))
        {
            return false;
        }

        return DateOnly.TryParseExact(revision.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(\.[a-z0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RevisionFormat();
}
