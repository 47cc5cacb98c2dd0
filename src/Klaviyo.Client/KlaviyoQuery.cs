using System.Text;

namespace Klaviyo.Client;

/// <summary>
/// Builds a Klaviyo query string: <c>filter</c>, <c>sort</c>, <c>page[size]</c>, <c>page[cursor]</c>,
/// <c>fields[type]</c>, <c>additional-fields[type]</c> and <c>include</c>. Values are percent-encoded; list values
/// are comma-joined without spaces, as the spec's <c>explode: false</c> parameters expect.
/// </summary>
public sealed class KlaviyoQuery
{
    private readonly List<KeyValuePair<string, string>> _parameters = [];

    public KlaviyoQuery Filter(string? expression) => Add("filter", expression);

    public KlaviyoQuery Sort(string? sort) => Add("sort", sort);

    public KlaviyoQuery PageSize(int? size) => Add("page[size]", size?.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public KlaviyoQuery Cursor(string? cursor) => Add("page[cursor]", cursor);

    /// <summary>The reports' cursor parameter (<c>page_cursor</c>, not <c>page[cursor]</c>).</summary>
    public KlaviyoQuery PageCursor(string? cursor) => Add("page_cursor", cursor);

    public KlaviyoQuery Fields(string type, IEnumerable<string>? fields) => AddList($"fields[{type}]", fields);

    public KlaviyoQuery AdditionalFields(string type, IEnumerable<string>? fields) => AddList($"additional-fields[{type}]", fields);

    public KlaviyoQuery Include(IEnumerable<string>? relationships) => AddList("include", relationships);

    /// <summary><c>?name=value&amp;...</c>, or an empty string when nothing was set.</summary>
    public override string ToString()
    {
        if (_parameters.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var (name, value) in _parameters)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }

    /// <summary>The <c>page[cursor]</c> value of a <c>links.next</c> URL Klaviyo sent; null when it has none.</summary>
    public static string? CursorOf(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? url[(at + 1)..] : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }

            var name = Uri.UnescapeDataString(pair[..separator]);
            if (name is "page[cursor]" or "page_cursor")
            {
                return Uri.UnescapeDataString(pair[(separator + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    private KlaviyoQuery Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _parameters.Add(new(name, value));
        }

        return this;
    }

    private KlaviyoQuery AddList(string name, IEnumerable<string>? values)
    {
        var list = values?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct().ToList();
        return list is { Count: > 0 } ? Add(name, string.Join(',', list)) : this;
    }
}
