using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Output;

/// <summary>
/// The one place tool results are shaped: structured content plus the same JSON as compact text (not indented;
/// non-ASCII and '+' left unescaped, since escapes only cost the agent tokens), within the result size budget.
/// </summary>
public static class ToolResults
{
    // Room kept for the envelope: next_cursor (a Klaviyo cursor is a few hundred bytes), the note, and the note that
    // untrusted values were withheld (UntrustedValues.WithheldNote).
    private const int EnvelopeBytes = 1_280;

    public static CallToolResult Success<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var text = JsonSerializer.Serialize(value, McpJson.TypeInfo(typeInfo));
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = JsonDocument.Parse(text).RootElement.Clone(),
        };
    }

    /// <summary>One flattened resource; members are dropped, largest first, if it alone exceeds the budget.</summary>
    public static CallToolResult Resource(JsonObject resource, ResultBudget budget)
    {
        Fit(resource, budget.MaxBytes - EnvelopeBytes - UntrustedValues.PointerOverhead(resource));
        var pointers = new List<string>();
        if (UntrustedValues.MarkInPlace(resource, "", pointers) > 0)
        {
            resource["note"] = resource["note"] is JsonValue note && note.TryGetValue<string>(out var text) ? text + " " + UntrustedValues.WithheldNote : UntrustedValues.WithheldNote;
        }

        if (pointers.Count > 0)
        {
            resource[UntrustedValues.Member] = new JsonArray([.. pointers.Select(p => (JsonNode)JsonValue.Create(p))]);
        }

        return Success(resource, ToolJsonContext.Default.JsonObject);
    }

    /// <summary>
    /// A page of flattened items. When they do not all fit the budget, the page is cut at a whole item and
    /// next_cursor resumes at the first item not returned; otherwise it is Klaviyo's next page.
    /// </summary>
    public static CallToolResult Collection(IReadOnlyList<JsonObject> items, PageCursor current, string? klaviyoNextCursor, ResultBudget budget, string? note = null)
    {
        var room = budget.MaxBytes - EnvelopeBytes - (note is null ? 0 : Encoding.UTF8.GetByteCount(note));
        var kept = new List<JsonObject>();
        var used = 0;
        var trimmed = false;
        foreach (var item in items)
        {
            var size = Bytes(item) + UntrustedValues.PointerOverhead(item);
            if (size > room && kept.Count == 0)
            {
                trimmed |= Fit(item, room).Count > 0;
                size = Bytes(item) + UntrustedValues.PointerOverhead(item);
            }

            if (kept.Count > 0 && used + size + 1 > room)
            {
                break;
            }

            kept.Add(item);
            used += size + 1;
        }

        PageCursor? next = null;
        var notes = new List<string>();
        if (note is not null)
        {
            notes.Add(note);
        }

        if (kept.Count < items.Count)
        {
            next = current with { Skip = current.Skip + kept.Count };
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Returned {kept.Count} of {items.Count} items of this page to stay within the result size budget ({budget.MaxBytes:N0} bytes); pass next_cursor to get the rest, or ask for fewer fields."));
        }
        else if (klaviyoNextCursor is not null)
        {
            next = new PageCursor(klaviyoNextCursor, 0);
        }

        if (trimmed)
        {
            notes.Add("An item larger than the result size budget had its largest fields removed (listed in its omitted_fields); fetch it alone, with fewer fields, to see them.");
        }

        var pointers = new List<string>();
        for (var i = 0; i < kept.Count; i++)
        {
            if (UntrustedValues.MarkInPlace(kept[i], "/items/" + i.ToString(CultureInfo.InvariantCulture), pointers) > 0 && !notes.Contains(UntrustedValues.WithheldNote))
            {
                notes.Add(UntrustedValues.WithheldNote);
            }
        }

        return Success(
            new CollectionResult { Items = kept, NextCursor = next?.Encode(), Note = notes.Count == 0 ? null : string.Join(' ', notes), Untrusted = pointers.Count == 0 ? null : pointers },
            ToolJsonContext.Default.CollectionResult);
    }

    /// <summary>A page of a Klaviyo collection, resuming <paramref name="current"/>'s skip.</summary>
    public static CallToolResult Page(Klaviyo.Client.JsonApi.JsonApiDocument document, PageCursor current, ResultBudget budget, string? note = null) =>
        Collection([.. JsonApiShaper.FlattenAll(document).Skip(current.Skip)], current, document.NextCursor, budget, note);

    public static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    private static int Bytes(JsonNode node) => Encoding.UTF8.GetByteCount(node.ToJsonString(McpJson.Options));

    /// <summary>Removes the largest members (never <c>id</c>) until <paramref name="resource"/> fits in <paramref name="maxBytes"/>; returns their names.</summary>
    private static List<string> Fit(JsonObject resource, int maxBytes)
    {
        var omitted = new List<string>();
        while (Bytes(resource) > maxBytes)
        {
            var largest = resource.Where(m => m.Key is not ("id" or "omitted_fields" or UntrustedValues.Marker))
                .OrderByDescending(m => m.Value is null ? 0 : Bytes(m.Value))
                .Select(m => m.Key)
                .FirstOrDefault();
            if (largest is null)
            {
                break;
            }

            resource.Remove(largest);
            omitted.Add(largest);
        }

        if (omitted.Count > 0)
        {
            resource["omitted_fields"] = new JsonArray([.. omitted.Select(f => (JsonNode?)f)]);
        }

        return omitted;
    }
}
