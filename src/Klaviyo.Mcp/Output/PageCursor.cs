using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// The cursor an agent passes back to get the next page. Normally it is Klaviyo's own <c>page[cursor]</c>. After a
/// page was cut to fit the size budget it is "the page at this Klaviyo cursor, skipping the first N items", so that
/// walking every page returns every item exactly once. Opaque to the agent either way.
/// </summary>
public sealed record PageCursor(string? KlaviyoCursor, int Skip)
{
    private const string Prefix = "mcp1.";

    public static readonly PageCursor First = new(null, 0);

    public string Encode() => Skip == 0 && KlaviyoCursor is not null
        ? KlaviyoCursor
        : Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Skip.ToString(CultureInfo.InvariantCulture)}|{KlaviyoCursor}"));

    /// <summary>Reads a cursor this server produced; null or empty is the first page. Returns false for a damaged cursor.</summary>
    public static bool TryDecode(string? text, out PageCursor cursor)
    {
        cursor = First;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            cursor = new PageCursor(text, 0);
            return true;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length)));
            var separator = decoded.IndexOf('|', StringComparison.Ordinal);
            if (separator > 0 && int.TryParse(decoded.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
            {
                var klaviyoCursor = decoded[(separator + 1)..];
                cursor = new PageCursor(klaviyoCursor.Length == 0 ? null : klaviyoCursor, skip);
                return true;
            }
        }
        catch (FormatException)
        {
            // Falls through: damaged.
        }

        return false;
    }
}
