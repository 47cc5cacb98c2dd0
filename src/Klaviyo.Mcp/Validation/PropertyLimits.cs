using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Klaviyo.Mcp.Validation;

/// <summary>
/// Klaviyo's ingestion limits for a properties object: at most 300 keys, strings of at most 100 KB (UTF-8),
/// arrays of at most 4000 items, at most 10 levels of nesting below the object itself.
/// </summary>
public static partial class PropertyLimits
{
    public const int MaxKeys = 300;
    public const int MaxStringBytes = 100 * 1024;
    public const int MaxArrayItems = 4000;
    public const int MaxNestingLevels = 10;

    public static void Check(IReadOnlyDictionary<string, JsonElement> properties, string path, ArgumentErrors errors)
    {
        if (properties.Count > MaxKeys)
        {
            errors.Add(path, $"has {properties.Count} keys; Klaviyo accepts at most {MaxKeys}");
        }

        foreach (var (key, value) in properties)
        {
            CheckValue(value, path, key, 0, level: 1, errors);
        }
    }

    // The argument path is built only for a violation: this runs for every property of every imported row.
    private static void CheckValue(JsonElement value, string parent, string? key, int index, int level, ArgumentErrors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                // The raw JSON is at least as long as the text it encodes, so most strings need no decoding to be cleared.
                if (JsonMarshal.GetRawUtf8Value(value).Length - 2 > MaxStringBytes)
                {
                    var bytes = Encoding.UTF8.GetByteCount(value.GetString()!);
                    if (bytes > MaxStringBytes)
                    {
                        errors.Add(Path(parent, key, index), $"is a string of {bytes:N0} bytes; Klaviyo accepts at most {MaxStringBytes:N0} bytes (100 KB) per string");
                    }
                }

                break;
            case JsonValueKind.Object:
                var objectPath = Path(parent, key, index);
                if (TooDeep(objectPath, level, errors))
                {
                    return;
                }

                foreach (var property in value.EnumerateObject())
                {
                    CheckValue(property.Value, objectPath, property.Name, 0, level + 1, errors);
                }

                break;
            case JsonValueKind.Array:
                var arrayPath = Path(parent, key, index);
                if (TooDeep(arrayPath, level, errors))
                {
                    return;
                }

                var length = value.GetArrayLength();
                if (length > MaxArrayItems)
                {
                    errors.Add(arrayPath, $"has {length:N0} items; Klaviyo accepts at most {MaxArrayItems:N0} per array");
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    CheckValue(item, arrayPath, null, i++, level + 1, errors);
                }

                break;
        }
    }

    private static string Path(string parent, string? key, int index) => key is null ? $"{parent}[{index}]" : Member(parent, key);

    private static bool TooDeep(string path, int level, ArgumentErrors errors)
    {
        if (level <= MaxNestingLevels)
        {
            return false;
        }

        errors.Add(path, $"is nested {level} levels deep; Klaviyo accepts at most {MaxNestingLevels} levels of nested objects and arrays");
        return true;
    }

    private static string Member(string path, string key) =>
        PlainKey().IsMatch(key) ? ArgumentErrors.Join(path, key) : $"{path}[{JsonSerializer.Serialize(key, ArgumentPathJsonContext.Default.String)}]";

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();
}
