using System.Net;
using System.Text.RegularExpressions;

namespace Klaviyo.Client;

/// <summary>Turns an arbitrary response body (often an HTML error page) into a short readable line.</summary>
internal static partial class PlainText
{
    public static string Excerpt(string body, int maxLength)
    {
        var text = Tags().Replace(Scripts().Replace(body, " "), " ");
        text = Whitespace().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        return text.Length <= maxLength ? text : text[..maxLength] + "…";
    }

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Scripts();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
