using System.Text;
using System.Text.Json.Nodes;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// Sanitizes text written by people outside the account before it reaches an agent. Removed: tag characters
/// (U+E0000–U+E007F), zero-width and direction marks (U+200B–U+200F), invisible operators (U+2060–U+2064), the byte-order
/// mark (U+FEFF), bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), C0 controls but tab
/// and line feed, and C1 controls. The zero-width joiner (U+200D) stays only where it joins two emoji (an
/// Extended_Pictographic character after it, and one before it, skipping at most two variation selectors U+FE0F or
/// skin-tone modifiers), so 👩🏽‍💻, ❤️‍🔥 and 🏳️‍🌈 come back unchanged. Nothing else changes: no normalization, no
/// rewriting of links, markdown or HTML; text without such characters comes back as the same string.
/// </summary>
public static class UntrustedText
{
    private const int ZeroWidthJoiner = 0x200D;

    /// <summary>The sanitized text; the same instance when nothing is removed.</summary>
    public static string Sanitize(string text)
    {
        var first = FirstRemovable(text);
        if (first < 0)
        {
            return text;
        }

        var output = new StringBuilder(text.Length);
        output.Append(text, 0, first);
        var i = first;
        var removed = false;
        while (i < text.Length)
        {
            var (value, width) = RuneAt(text, i);
            if (value == ZeroWidthJoiner ? JoinsEmoji(output, text, i + width) : !IsRemoved(value))
            {
                output.Append(text, i, width);
            }
            else
            {
                removed = true;
            }

            i += width;
        }

        return removed ? output.ToString() : text;
    }

    /// <summary>
    /// <paramref name="node"/> with every string and every object key in it sanitized, in place where only values change
    /// (the node is the caller's own copy); a sanitized copy of an object whose keys change, or of a string value.
    /// </summary>
    public static JsonNode? Sanitize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when obj.Any(m => FirstRemovable(m.Key) >= 0):
                return Copy(obj);
            case JsonObject obj:
                // Keys are clean: only the values that need it are replaced, in place.
                foreach (var (key, value) in obj.ToList())
                {
                    var clean = Sanitize(value);
                    if (!ReferenceEquals(clean, value))
                    {
                        obj[key] = clean;
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var item = array[i];
                    var clean = Sanitize(item);
                    if (!ReferenceEquals(clean, item))
                    {
                        array[i] = clean;
                    }
                }

                return array;
            case JsonValue value when NeedsSanitizing(value):
                return JsonValue.Create(Sanitize(value.GetValue<string>()));
            default:
                return node;
        }
    }

    // A string value with a character to remove. Printable ASCII JSON without escapes (most values) needs no string.
    private static bool NeedsSanitizing(JsonValue value)
    {
        if (value.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return false;
        }

        if (value.TryGetValue<System.Text.Json.JsonElement>(out var element))
        {
            var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
            if (!raw.Contains((byte)'\\'))
            {
                // No escapes: the raw bytes are the text's UTF-8 (control characters are always escaped in JSON text).
                return HasRemovableUtf8(raw);
            }
        }

        return FirstRemovable(value.GetValue<string>()) >= 0;
    }

    /// <summary>
    /// Whether UTF-8 text holds a character <see cref="Sanitize(string)"/> may remove, the zero-width joiner included (it
    /// is then decided on the string), found by its encoding: C1 controls (C2 80–9F), U+200B–200F and U+202A–202E (E2 80 …),
    /// U+2060–2064 and U+2066–2069 (E2 81 …), U+FEFF (EF BB BF) and tag characters (F3 A0 80–81 …).
    /// </summary>
    /// <summary>
    /// Whether raw JSON text (a value as it came over the wire, escapes and all) may hold something to sanitize: an escape
    /// (which may stand for anything), or a removable character's UTF-8. False means it comes back unchanged.
    /// </summary>
    public static bool MayNeedSanitizing(ReadOnlySpan<byte> rawJson) => rawJson.Contains((byte)'\\') || HasRemovableUtf8(rawJson);

    private static readonly System.Buffers.SearchValues<byte> s_leadBytes = System.Buffers.SearchValues.Create([0xC2, 0xE2, 0xEF, 0xF3]);

    private static bool HasRemovableUtf8(ReadOnlySpan<byte> utf8)
    {
        for (var i = utf8.IndexOfAny(s_leadBytes); i >= 0;)
        {
            var rest = utf8[i..];
            var found = rest[0] switch
            {
                0xC2 => rest.Length > 1 && rest[1] is >= 0x80 and <= 0x9F,
                0xE2 => rest.Length > 2 && ((rest[1] == 0x80 && rest[2] is (>= 0x8B and <= 0x8F) or (>= 0xAA and <= 0xAE)) ||
                    (rest[1] == 0x81 && rest[2] is (>= 0xA0 and <= 0xA4) or (>= 0xA6 and <= 0xA9))),
                0xEF => rest.Length > 2 && rest[1] == 0xBB && rest[2] == 0xBF,
                _ => rest.Length > 2 && rest[1] == 0xA0 && rest[2] is 0x80 or 0x81,
            };
            if (found)
            {
                return true;
            }

            var next = rest[1..].IndexOfAny(s_leadBytes);
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }

    private static JsonNode? Copy(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    // Two keys that differ only by removed characters become one: the last value wins.
                    copy[Sanitize(key)] = Copy(value);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Copy(item));
                }

                return items;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return JsonValue.Create(Sanitize(text));
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>
    /// <paramref name="name"/> sanitized and written as a JSON string literal (in double quotes, with control characters,
    /// quotes and backslashes escaped): for summaries shown to a person, where a name must neither start a new line nor
    /// close its own quotes.
    /// </summary>
    public static string Quote(string name) =>
        JsonValue.Create(Sanitize(name)).ToJsonString(McpJson.Options);

    /// <summary>Whether <paramref name="codePoint"/> is removed wherever it appears (the zero-width joiner is decided by its neighbours).</summary>
    public static bool IsRemoved(int codePoint) => codePoint switch
    {
        '\t' or '\n' => false,
        < 0x20 => true,
        >= 0x80 and <= 0x9F => true,
        >= 0x200B and <= 0x200F => true,
        >= 0x202A and <= 0x202E => true,
        >= 0x2060 and <= 0x2064 => true,
        >= 0x2066 and <= 0x2069 => true,
        0xFEFF => true,
        >= 0xE0000 and <= 0xE007F => true,
        _ => false,
    };

    /// <summary>Unicode's Extended_Pictographic property (emoji-data.txt, Unicode 15.0), as ranges.</summary>
    public static bool IsExtendedPictographic(int codePoint)
    {
        var ranges = s_pictographic;
        int low = 0, high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (codePoint < ranges[middle * 2])
            {
                high = middle - 1;
            }
            else if (codePoint > ranges[(middle * 2) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static int FirstRemovable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20 && c is not ('\t' or '\n'))
            {
                return i;
            }

            // Everything removable (and the joiner) is at or above U+0080; surrogates cover the tag characters.
            if (c >= 0x80 && (char.IsSurrogate(c) || IsRemoved(c) || c == ZeroWidthJoiner))
            {
                if (char.IsHighSurrogate(c) && !(i + 1 < text.Length && IsRemoved(char.ConvertToUtf32(c, text[i + 1]))))
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return -1;
    }

    // The joiner at input position `next` - its own width: kept when the character after it is pictographic and so is
    // the last one written before it, skipping at most two variation selectors or skin-tone modifiers.
    private static bool JoinsEmoji(StringBuilder written, string text, int next)
    {
        if (next >= text.Length || !IsExtendedPictographic(RuneAt(text, next).Value))
        {
            return false;
        }

        var end = written.Length;
        for (var skipped = 0; end > 0; skipped++)
        {
            var (value, width) = RuneBefore(written, end);
            if (value == 0xFE0F || value is >= 0x1F3FB and <= 0x1F3FF)
            {
                if (skipped == 2)
                {
                    return false;
                }

                end -= width;
                continue;
            }

            return IsExtendedPictographic(value);
        }

        return false;
    }

    // A lone surrogate is kept as it is (one char): only the listed characters are removed.
    private static (int Value, int Width) RuneAt(string text, int index) =>
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var width) == System.Buffers.OperationStatus.Done ? (rune.Value, width) : (text[index], 1);

    private static (int Value, int Width) RuneBefore(StringBuilder text, int end)
    {
        var last = text[end - 1];
        return char.IsLowSurrogate(last) && end >= 2 && char.IsHighSurrogate(text[end - 2])
            ? (char.ConvertToUtf32(text[end - 2], last), 2)
            : (last, 1);
    }

    private static readonly int[] s_pictographic =
    [
        0x00A9, 0x00A9, 0x00AE, 0x00AE, 0x203C, 0x203C, 0x2049, 0x2049, 0x2122, 0x2122, 0x2139, 0x2139, 0x2194, 0x2199,
        0x21A9, 0x21AA, 0x231A, 0x231B, 0x2328, 0x2328, 0x2388, 0x2388, 0x23CF, 0x23CF, 0x23E9, 0x23F3, 0x23F8, 0x23FA,
        0x24C2, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25B6, 0x25C0, 0x25C0, 0x25FB, 0x25FE, 0x2600, 0x2605, 0x2607, 0x2612,
        0x2614, 0x2685, 0x2690, 0x2705, 0x2708, 0x2712, 0x2714, 0x2714, 0x2716, 0x2716, 0x271D, 0x271D, 0x2721, 0x2721,
        0x2728, 0x2728, 0x2733, 0x2734, 0x2744, 0x2744, 0x2747, 0x2747, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755,
        0x2757, 0x2757, 0x2763, 0x2767, 0x2795, 0x2797, 0x27A1, 0x27A1, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2934, 0x2935,
        0x2B05, 0x2B07, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x3030, 0x3030, 0x303D, 0x303D, 0x3297, 0x3297,
        0x3299, 0x3299, 0x1F000, 0x1F0FF, 0x1F10D, 0x1F10F, 0x1F12F, 0x1F12F, 0x1F16C, 0x1F171, 0x1F17E, 0x1F17F,
        0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F1AD, 0x1F1E5, 0x1F201, 0x1F20F, 0x1F21A, 0x1F21A, 0x1F22F, 0x1F22F,
        0x1F232, 0x1F23A, 0x1F23C, 0x1F23F, 0x1F249, 0x1F3FA, 0x1F400, 0x1F53D, 0x1F546, 0x1F64F, 0x1F680, 0x1F6FF,
        0x1F774, 0x1F77F, 0x1F7D5, 0x1F7FF, 0x1F80C, 0x1F80F, 0x1F848, 0x1F84F, 0x1F85A, 0x1F85F, 0x1F888, 0x1F88F,
        0x1F8AE, 0x1F8FF, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1FAFF, 0x1FC00, 0x1FFFD,
    ];
}
