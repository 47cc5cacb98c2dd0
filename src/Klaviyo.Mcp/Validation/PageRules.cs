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

    /// <summary>One of <paramref name="allowed"/>, matched ignoring case and returned as Klaviyo spells it; null (and a violation) otherwise.</summary>
    public static string? Choice(string path, string? value, IReadOnlyCollection<string> allowed, ArgumentErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            errors.Add(path, $"{IdentifierRules.Quote(value)} is not one of {string.Join(", ", allowed)}");
        }

        return match;
    }

    /// <summary>An optional text argument that, when given, must not be blank.</summary>
    public static void NotBlank(string path, string? value, ArgumentErrors errors)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, "must not be blank; leave it out instead");
        }
    }

    /// <summary>Checks that every value is one of <paramref name="allowed"/>.</summary>
    public static void CheckEnum(string path, IEnumerable<string>? values, IReadOnlyCollection<string> allowed, ArgumentErrors errors)
    {
        var index = 0;
        foreach (var value in values ?? [])
        {
            if (!allowed.Contains(value))
            {
                errors.Add($"{path}[{index}]", $"{IdentifierRules.Quote(value)} is not one of {string.Join(", ", allowed)}");
            }

            index++;
        }
    }
}
