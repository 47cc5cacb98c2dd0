using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Validation;

/// <summary>Rules for paging arguments, shared by every read tool.</summary>
public static class PageRules
{
    public static void CheckPageSize(int? pageSize, int max, ArgumentErrors errors)
    {
        if (pageSize is { } size && (size < 1 || size > max))
        {
            errors.Add("page_size", $"{size} is outside 1 to {max}, the range Klaviyo allows here");
        }
    }

    /// <summary>The page <paramref name="cursor"/> asks for; a damaged cursor is a violation.</summary>
    public static PageCursor Cursor(string? cursor, ArgumentErrors errors)
    {
        if (PageCursor.TryDecode(cursor, out var decoded))
        {
            return decoded;
        }

        errors.Add("cursor", "is not a cursor this server gave out; pass next_cursor from the previous result unchanged, or leave it out for the first page");
        return PageCursor.First;
    }
}
