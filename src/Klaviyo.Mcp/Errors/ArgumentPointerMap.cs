namespace Klaviyo.Mcp.Errors;

/// <summary>
/// Maps a JSON pointer in a Klaviyo error (<c>/data/attributes/profile/data/attributes/email</c>) back to the tool
/// argument it came from (<c>profile.email</c>): the first matching prefix is replaced, the rest becomes a dotted path.
/// </summary>
public sealed class ArgumentPointerMap(params (string PointerPrefix, string ArgumentPrefix)[] rules)
{
    public string? Map(string? pointer)
    {
        if (string.IsNullOrEmpty(pointer))
        {
            return null;
        }

        foreach (var (pointerPrefix, argumentPrefix) in rules)
        {
            if (pointer == pointerPrefix.TrimEnd('/'))
            {
                return argumentPrefix.Length == 0 ? null : argumentPrefix.TrimEnd('.');
            }

            if (!pointer.StartsWith(pointerPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = argumentPrefix;
            foreach (var segment in pointer[pointerPrefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                path = int.TryParse(name, out var index) && path.Length > 0 && !path.EndsWith('.')
                    ? $"{path}[{index}]"
                    : path.Length == 0 || path.EndsWith('.') ? path + name : path + "." + name;
            }

            return path.TrimEnd('.');
        }

        return null;
    }
}
