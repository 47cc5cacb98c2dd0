using System.Text.Json;
using System.Text.Json.Nodes;
using Klaviyo.Client.Operations;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// How values written by people outside the account (<see cref="UntrustedFields"/>) travel from a Klaviyo resource to
/// the agent. When a resource is flattened (<see cref="JsonApiShaper.Flatten"/>) its untrusted members are sanitized
/// (<see cref="UntrustedText"/>) and listed under <see cref="Marker"/>, a member no Klaviyo field can be named (it
/// starts with U+0000, which sanitizing removes from untrusted keys). Once the tool's result is complete,
/// <see cref="Mark(JsonObject, bool)"/> turns the markers into the result's top-level <c>untrusted</c> member, RFC 6901 pointers to each
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

    /// <summary>Sanitizes the untrusted members of a flattened resource of <paramref name="type"/> in place and lists them under <see cref="Marker"/>.</summary>
    public static void Classify(JsonObject flat, string? type)
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

            owner[name] = UntrustedText.Sanitize(value);
            (marked ??= []).Add((JsonNode)JsonValue.Create(path));
        }

        if (marked is not null)
        {
            flat[Marker] = marked;
        }
    }

    /// <summary>The bytes the pointers of one flattened item's untrusted values add beyond its marker, at most (for the result budget).</summary>
    public static int PointerOverhead(JsonObject item) => item[Marker] is JsonArray marked ? marked.Count * 16 : 0;

    /// <summary>
    /// Whether <paramref name="json"/> (a result's compact JSON text) holds flattened resources with untrusted members.
    /// </summary>
    public static bool HasMarkers(string json) => json.Contains(MarkerText, StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="result"/> with its markers replaced (<see cref="Mark(JsonObject, bool)"/>) in both its structured
    /// content and its text; the same result when it has none (an error, or nothing untrusted).
    /// </summary>
    public static CallToolResult Mark(CallToolResult result, bool allowed)
    {
        if (result.IsError == true || result.Content is not [TextContentBlock block] || !HasMarkers(block.Text) ||
            JsonNode.Parse(block.Text) is not JsonObject root)
        {
            return result;
        }

        Mark(root, allowed);
        var text = root.ToJsonString(McpJson.Options);
        block.Text = text;
        result.StructuredContent = JsonDocument.Parse(text).RootElement.Clone();
        return result;
    }

    /// <summary>
    /// Replaces the markers in <paramref name="result"/>: with the top-level <c>untrusted</c> pointers when
    /// <paramref name="allowed"/>, else by removing the untrusted values and adding <see cref="WithheldNote"/> to its note.
    /// </summary>
    public static void Mark(JsonObject result, bool allowed)
    {
        var pointers = new JsonArray();
        var withheld = 0;
        Walk(result, "", pointers, allowed, ref withheld);
        if (pointers.Count > 0)
        {
            result[Member] = pointers;
        }

        if (withheld > 0)
        {
            result["note"] = result["note"] is JsonValue note && note.TryGetValue<string>(out var text) ? text + " " + WithheldNote : WithheldNote;
        }
    }

    private static void Walk(JsonNode? node, string pointer, JsonArray pointers, bool allowed, ref int withheld)
    {
        switch (node)
        {
            case JsonObject obj:
                var marked = obj[Marker] as JsonArray;
                obj.Remove(Marker);
                var untrusted = new HashSet<string>(StringComparer.Ordinal);
                foreach (var path in marked ?? [])
                {
                    if (path?.GetValue<string>() is not { } text)
                    {
                        continue;
                    }

                    var segments = text.Split('/');
                    var owner = obj;
                    for (var i = 0; i < segments.Length - 1 && owner is not null; i++)
                    {
                        owner = owner[segments[i]] as JsonObject;
                    }

                    if (owner is null || !owner.ContainsKey(segments[^1]))
                    {
                        continue; // trimmed to fit the budget, or not there
                    }

                    untrusted.Add(segments[0]);
                    if (allowed)
                    {
                        pointers.Add((JsonNode)JsonValue.Create(pointer + string.Concat(segments.Select(s => "/" + Escape(s)))));
                    }
                    else
                    {
                        owner.Remove(segments[^1]);
                        withheld++;
                        if (owner != obj && owner.Count == 0)
                        {
                            obj.Remove(segments[0]);
                        }
                    }
                }

                foreach (var (name, value) in obj.ToList())
                {
                    // A member that is wholly untrusted (properties, say) holds no resource of its own to look into.
                    if (!(untrusted.Contains(name) && marked!.Any(m => m?.GetValue<string>() == name)))
                    {
                        Walk(value, pointer + "/" + Escape(name), pointers, allowed, ref withheld);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), pointers, allowed, ref withheld);
                }

                break;
        }
    }

    // RFC 6901: '~' is written ~0 and '/' is written ~1.
    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
