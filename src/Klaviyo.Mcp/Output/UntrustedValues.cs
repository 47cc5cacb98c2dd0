using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Klaviyo.Client.Operations;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// How values written by people outside the account (<see cref="UntrustedFields"/>) travel from a Klaviyo resource to
/// the agent. When a resource is flattened (<see cref="JsonApiShaper.Flatten"/>) its untrusted members are sanitized
/// (<see cref="UntrustedText"/>) and listed under <see cref="Marker"/>, a member no Klaviyo field can be named (it
/// starts with U+0000, which sanitizing removes from untrusted keys). Once the tool's result is complete,
/// <see cref="Mark(CallToolResult, bool)"/> turns the markers into the result's top-level <c>untrusted</c> member, RFC 6901 pointers to each
/// untrusted value (or subtree), or, where user content is not allowed, removes those values and says they were withheld.
/// </summary>
public static class UntrustedValues
{
    /// <summary>The member of a flattened resource that lists its untrusted members' paths until the result is marked.</summary>
    public const string Marker = "\u0000untrusted";

    /// <summary>The top-level member of a result that lists the pointers to its untrusted values.</summary>
    public const string Member = "untrusted";

    /// <summary>What a result's note says when untrusted values were left out.</summary>
    public const string WithheldNote = "Values written by people outside the account (names, addresses, properties, reviews) were withheld: this server does not pass user content to agents.";

    // The marker as the compact JSON text of a result writes it (control characters are always escaped).
    private const string MarkerText = "\"\\u0000untrusted\"";

    private static readonly byte[] s_markerUtf8 = Encoding.UTF8.GetBytes(MarkerText);

    /// <summary>Sanitizes the untrusted members of a flattened resource of <paramref name="type"/> in place and lists them under <see cref="Marker"/>.</summary>
    public static void Classify(JsonObject flat, string? type, JsonElement attributes = default)
    {
        if (type is null || !UntrustedFields.ByType.TryGetValue(type, out var paths))
        {
            return;
        }

        JsonArray? marked = null;
        foreach (var path in paths)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var (owner, name) = slash < 0 ? (flat, path) : (flat[path[..slash]] as JsonObject, path[(slash + 1)..]);
            if (owner is null || !owner.TryGetPropertyValue(name, out var value))
            {
                continue;
            }

            // The attribute as Klaviyo sent it: when its raw JSON has nothing to remove (most text), it is left as it is.
            if (MayNeedSanitizing(attributes, path))
            {
                var clean = UntrustedText.Sanitize(value);
                if (!ReferenceEquals(clean, value))
                {
                    owner[name] = clean;
                }
            }

            (marked ??= []).Add((JsonNode)JsonValue.Create(path));
        }

        if (marked is not null)
        {
            flat[Marker] = marked;
        }
    }

    // Whether the attribute at path ('/'-separated) of the resource's attributes, as Klaviyo sent it, may need sanitizing
    // (true when it cannot be found there).
    private static bool MayNeedSanitizing(JsonElement attributes, string path)
    {
        var element = attributes;
        foreach (var name in path.Split('/'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return true;
            }
        }

        return UntrustedText.MayNeedSanitizing(JsonMarshal.GetRawUtf8Value(element));
    }

    /// <summary>
    /// The bytes the pointers to <paramref name="item"/>'s untrusted values may add to a result, at most: each marked path
    /// of the item and of every resource nested in it, with room for the prefix that leads to it (for the result budget).
    /// </summary>
    public static int PointerOverhead(JsonNode? item)
    {
        var total = 0;
        switch (item)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == Marker)
                    {
                        foreach (var path in value as JsonArray ?? [])
                        {
                            total += (path?.GetValue<string>().Length ?? 0) + 48;
                        }
                    }
                    else if (value is JsonObject or JsonArray)
                    {
                        total += PointerOverhead(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var element in array)
                {
                    total += element is JsonObject or JsonArray ? PointerOverhead(element) : 0;
                }

                break;
        }

        return total;
    }

    /// <summary>
    /// Whether <paramref name="json"/> (a result's compact JSON text) holds flattened resources with untrusted members.
    /// </summary>
    public static bool HasMarkers(string json) => json.Contains(MarkerText, StringComparison.Ordinal);

    private static readonly AsyncLocal<bool?> s_allowed = new();

    /// <summary>
    /// Whether the tool call in progress may return user content (set by the request filter from the caller's access
    /// policy); null outside a call, which means allowed.
    /// </summary>
    public static bool? Allowed
    {
        get => s_allowed.Value;
        set => s_allowed.Value = value;
    }

    /// <summary>
    /// Replaces the markers under <paramref name="node"/>, a part of a result about to be serialized found at
    /// <paramref name="pointer"/>, in place: the pointers to its untrusted values are added to <paramref name="pointers"/>,
    /// or, where user content is not allowed (<see cref="Allowed"/>), the values are removed and counted. The result then
    /// needs no second pass (<see cref="Mark(CallToolResult, bool)"/> finds no marker).
    /// </summary>
    public static int MarkInPlace(JsonNode? node, string pointer, List<string> pointers)
    {
        var withheld = 0;
        Walk(node, pointer, null, Allowed ?? true, pointers, ref withheld);
        return withheld;
    }

    private static void Walk(JsonNode? node, string pointer, List<string>? inherited, bool allowed, List<string> pointers, ref int withheld)
    {
        if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonObject or JsonArray)
                {
                    Walk(array[i], pointer + "/" + i.ToString(CultureInfo.InvariantCulture), null, allowed, pointers, ref withheld);
                }
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            return;
        }

        var marked = inherited;
        if (obj[Marker] is JsonArray own)
        {
            marked = [.. inherited ?? [], .. own.Select(p => p?.GetValue<string>() ?? "")];
            obj.Remove(Marker);
        }

        if (marked is null)
        {
            // Nothing marked at this level: only objects and arrays below may hold markers (this object is not changed).
            foreach (var (name, value) in obj)
            {
                if (value is JsonObject or JsonArray)
                {
                    Walk(value, pointer + "/" + Escape(name), null, allowed, pointers, ref withheld);
                }
            }

            return;
        }

        // Withholding removes members: then the loop runs over a copy of them.
        foreach (var (name, value) in allowed ? (IEnumerable<KeyValuePair<string, JsonNode?>>)obj : obj.ToList())
        {
            var below = Below(marked, name);
            var whole = marked.Contains(name) || (below.Count > 0 && value is not JsonObject);
            if (!whole && below.Count == 0 && value is not (JsonObject or JsonArray))
            {
                continue;
            }

            var memberPointer = pointer + "/" + Escape(name);
            if (whole)
            {
                if (allowed)
                {
                    pointers.Add(memberPointer);
                }
                else
                {
                    obj.Remove(name);
                    withheld++;
                }

                continue;
            }

            if (below.Count > 0 && !allowed && value is JsonObject inner && inner.All(m => below.Contains(m.Key)))
            {
                withheld += inner.Count;
                obj.Remove(name);
                continue;
            }

            Walk(value, memberPointer, below.Count > 0 ? below : null, allowed, pointers, ref withheld);
        }
    }

    // The marked paths under member name, relative to it ("properties/a" under "properties" is "a").
    private static List<string> Below(List<string> marked, string name)
    {
        List<string>? below = null;
        foreach (var path in marked)
        {
            if (path.Length > name.Length && path[name.Length] == '/' && path.StartsWith(name, StringComparison.Ordinal))
            {
                (below ??= []).Add(path[(name.Length + 1)..]);
            }
        }

        return below ?? s_none;
    }

    private static readonly List<string> s_none = [];

    /// <summary>
    /// <paramref name="result"/> with its markers replaced, in both its structured content and its text: by the
    /// top-level <c>untrusted</c> pointers when <paramref name="allowed"/>, else by leaving the untrusted values out and
    /// adding <see cref="WithheldNote"/> to the result's note. The same result when it has no marker (an error, or
    /// nothing untrusted). One streaming copy of the structured content the result already holds.
    /// </summary>
    public static CallToolResult Mark(CallToolResult result, bool allowed)
    {
        if (result.IsError == true || result.Content is not [TextContentBlock block] || !HasMarkers(block.Text) ||
            result.StructuredContent is not { ValueKind: JsonValueKind.Object } root)
        {
            return result;
        }

        var buffer = new ArrayBufferWriter<byte>(block.Text.Length + 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = McpJson.Options.Encoder }))
        {
            new Copy(allowed).Root(writer, root);
        }

        block.Text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        result.StructuredContent = JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
        return result;
    }

    // RFC 6901: '~' is written ~0 and '/' is written ~1.
    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>
    /// The copy of a result without its markers: the pointers to its untrusted values, or how many were left out. A
    /// subtree without a marker is copied as its raw JSON, so the pass costs little more than a copy of the bytes.
    /// </summary>
    private sealed class Copy(bool allowed)
    {
        private readonly List<string> _pointers = [];
        private int _withheld;

        /// <summary>The result's top-level object: as any object, then its note (with what was withheld) and its pointers.</summary>
        public void Root(Utf8JsonWriter writer, JsonElement root)
        {
            string? note = null;
            Object(writer, root, "", null, member =>
            {
                if (member.NameEquals(Member))
                {
                    return true;
                }

                if (member.NameEquals("note") && member.Value.ValueKind == JsonValueKind.String)
                {
                    note = member.Value.GetString();
                    return true;
                }

                return false;
            }, end: () =>
            {
                if (_withheld > 0)
                {
                    note = note is null ? WithheldNote : note + " " + WithheldNote;
                }

                if (note is not null)
                {
                    writer.WriteString("note", note);
                }

                if (_pointers.Count > 0)
                {
                    writer.WriteStartArray(Member);
                    foreach (var pointer in _pointers)
                    {
                        writer.WriteStringValue(pointer);
                    }

                    writer.WriteEndArray();
                }
            });
        }

        /// <summary>
        /// Writes <paramref name="value"/> at <paramref name="pointer"/>. <paramref name="inherited"/>: the untrusted paths
        /// below it that its owner's marker named (a location's address1, say).
        /// </summary>
        private void Value(Utf8JsonWriter writer, JsonElement value, string pointer, List<string>? inherited)
        {
            if (inherited is null && (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array) ||
                JsonMarshal.GetRawUtf8Value(value).IndexOf(s_markerUtf8) < 0))
            {
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
                return;
            }

            if (value.ValueKind == JsonValueKind.Object)
            {
                Object(writer, value, pointer, inherited, skip: null, end: null);
                return;
            }

            writer.WriteStartArray();
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Value(writer, item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture), null);
                index++;
            }

            writer.WriteEndArray();
        }

        private void Object(Utf8JsonWriter writer, JsonElement value, string pointer, List<string>? inherited, Func<JsonProperty, bool>? skip, Action? end)
        {
            var marked = inherited;
            if (value.TryGetProperty(Marker, out var own) && own.ValueKind == JsonValueKind.Array)
            {
                marked = [.. inherited ?? [], .. own.EnumerateArray().Select(p => p.GetString() ?? "")];
            }

            writer.WriteStartObject();
            foreach (var member in value.EnumerateObject())
            {
                if (member.NameEquals(Marker) || (skip?.Invoke(member) ?? false))
                {
                    continue;
                }

                var name = member.Name;
                if (marked is null)
                {
                    writer.WritePropertyName(name);
                    Value(writer, member.Value, pointer + "/" + Escape(name), null);
                    continue;
                }

                var memberPointer = pointer + "/" + Escape(name);
                var below = marked.Where(p => p.StartsWith(name + "/", StringComparison.Ordinal)).Select(p => p[(name.Length + 1)..]).ToList();
                if (marked.Contains(name) || (below.Count > 0 && member.Value.ValueKind != JsonValueKind.Object))
                {
                    // Wholly untrusted: the member and everything under it (or untrusted paths named below a value
                    // that is not an object, such as a location given as a plain string).
                    if (allowed)
                    {
                        _pointers.Add(memberPointer);
                        writer.WritePropertyName(name);
                        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(member.Value), skipInputValidation: true);
                    }
                    else
                    {
                        _withheld++;
                    }

                    continue;
                }

                if (below.Count > 0 && !allowed && member.Value.ValueKind == JsonValueKind.Object &&
                    member.Value.EnumerateObject().All(m => below.Contains(m.Name)))
                {
                    // Every member of it is untrusted (a location with only a city): left out whole.
                    _withheld += below.Count(b => member.Value.TryGetProperty(b, out _));
                    continue;
                }

                writer.WritePropertyName(name);
                Value(writer, member.Value, memberPointer, below.Count > 0 ? below : null);
            }

            end?.Invoke();
            writer.WriteEndObject();
        }
    }
}
