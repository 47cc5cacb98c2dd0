using System.Text.Json;

namespace Klaviyo.Client.Operations;

/// <summary>
/// The one place that says what each Klaviyo operation does to an account (<see cref="OperationAccess"/>) and whether
/// it is safe to repeat after an ambiguous failure (a 5xx, a timeout or a dropped connection, after which the request
/// may or may not have been processed). The catalogue generator writes both into <c>operations.json</c>; a test pins
/// the cases listed here.
/// <para>Access: a GET reads; so do the POSTs in <see cref="QueryOnlyPosts"/>. Every DELETE is destructive, and so
/// are the operations in <see cref="Destructive"/> (they reach real people, change consent, or cannot be undone).
/// Everything else writes.</para>
/// <para>Safe to repeat: reads; PATCH (the same body sets the same state); DELETE and the JSON:API relationship
/// operations (<c>/relationships/</c>: adding or removing a link twice leaves the same links); and the writes in
/// <see cref="RepeatableWrites"/>, which set a state rather than add something. Creates, sends and jobs that add
/// something are not. <see cref="IsSafeToRepeat(ApiOperation, JsonElement?)"/> refines this by body.</para>
/// </summary>
public static class OperationAccessRules
{
    /// <summary>POSTs that only query: they read, and repeating them changes nothing.</summary>
    public static IReadOnlyDictionary<string, string> QueryOnlyPosts { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["query_metric_aggregates"] = "aggregates a metric's events",
        ["query_campaign_values"] = "campaign performance report",
        ["query_flow_values"] = "flow performance report",
        ["query_flow_series"] = "flow performance over time",
        ["query_form_values"] = "form performance report",
        ["query_form_series"] = "form performance over time",
        ["query_segment_values"] = "segment size report",
        ["query_segment_series"] = "segment size over time",
        ["render_template"] = "renders a template with a context and stores nothing",
        ["refresh_campaign_recipient_estimation"] = "only recomputes a draft campaign's recipient estimate (needs campaigns:write nonetheless)",
    };

    /// <summary>Operations other than DELETEs that reach real people, change consent, or cannot be undone.</summary>
    public static IReadOnlyDictionary<string, string> Destructive { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["send_campaign"] = "sends a campaign to its audience",
        ["cancel_campaign_send"] = "action cancel stops a send for good",
        ["create_conversation_message"] = "sends a message to a person",
        ["update_flow"] = "status live makes a flow send to real people",
        ["update_flow_action"] = "status live makes a flow action send to real people",
        ["bulk_unsubscribe_profiles"] = "unsubscribes people; profiles not in the given list are unsubscribed globally",
        ["bulk_suppress_profiles"] = "suppresses people from all email marketing",
        ["request_profile_deletion"] = "deletes every profile matching an identifier, permanently",
        ["merge_profiles"] = "merges profiles and deletes the source profiles",
        ["bulk_delete_catalog_items"] = "deletes catalog items",
        ["bulk_delete_catalog_variants"] = "deletes catalog variants",
        ["bulk_delete_catalog_categories"] = "deletes catalog categories",
        ["bulk_delete_object_records"] = "deletes custom object records",
    };

    /// <summary>POSTs that are not relationship operations but set a state, so a repeat changes nothing more.</summary>
    public static IReadOnlyDictionary<string, string> RepeatableWrites { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["create_or_update_profile"] = "an upsert by identifier (not with meta.patch_properties.append)",
        ["bulk_unsubscribe_profiles"] = "unsubscribing twice leaves the same consent",
        ["bulk_suppress_profiles"] = "suppressing twice leaves the same suppression",
        ["bulk_unsuppress_profiles"] = "lifting a suppression twice leaves none",
        ["bulk_update_catalog_items"] = "the same attributes set twice",
        ["bulk_update_catalog_variants"] = "the same attributes set twice",
        ["bulk_update_catalog_categories"] = "the same attributes set twice",
        ["bulk_delete_catalog_items"] = "deleting twice leaves them deleted",
        ["bulk_delete_catalog_variants"] = "deleting twice leaves them deleted",
        ["bulk_delete_catalog_categories"] = "deleting twice leaves them deleted",
        ["bulk_delete_object_records"] = "deleting twice leaves them deleted",
        ["request_profile_deletion"] = "deleting twice leaves them deleted",
    };

    /// <summary>The access of an operation, from its method and the lists above.</summary>
    public static OperationAccess AccessOf(string operationId, string method)
    {
        if (Destructive.ContainsKey(operationId) || Is(method, "DELETE"))
        {
            return OperationAccess.Destructive;
        }

        return Is(method, "GET") || QueryOnlyPosts.ContainsKey(operationId) ? OperationAccess.Read : OperationAccess.Write;
    }

    /// <summary>Whether any request of the operation can be repeated after an ambiguous failure without duplicating an effect.</summary>
    public static bool IsSafeToRepeat(string operationId, string method, string pathTemplate)
    {
        if (Is(method, "GET") || Is(method, "PATCH") || Is(method, "DELETE") || QueryOnlyPosts.ContainsKey(operationId) || RepeatableWrites.ContainsKey(operationId))
        {
            return true;
        }

        return Is(method, "POST") && pathTemplate.Contains("/relationships/", StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether this request of the operation can be repeated after an ambiguous failure. Some answers depend on the body:
    /// appending to a list property (<c>meta.patch_properties.append</c>) twice appends twice; an event with a
    /// <c>unique_id</c> is recorded once however often it is sent; a profile created with an email, phone number or
    /// external id cannot be created twice (Klaviyo answers 409).
    /// </summary>
    public static bool IsSafeToRepeat(ApiOperation operation, JsonElement? body)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var data = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("data", out var d) ? d : default;
        switch (operation.Id)
        {
            case "update_profile" or "create_or_update_profile":
                return operation.SafeToRepeat && !(Member(data, "meta", "patch_properties", "append") is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined });
            case "create_event":
                return HasText(Member(data, "attributes", "unique_id"));
            case "bulk_create_events":
                return body is { } events && EveryEventHasUniqueId(events, out var count) && count > 0;
            case "create_profile":
                return HasText(Member(data, "attributes", "email")) || HasText(Member(data, "attributes", "phone_number")) || HasText(Member(data, "attributes", "external_id"));
            default:
                return operation.SafeToRepeat;
        }
    }

    /// <summary>
    /// The same for a body already written as UTF-8 JSON (empty: no body). Parsed only for the operations whose answer
    /// depends on the body (<see cref="DependsOnBody"/>); for every other one the catalogue's answer is enough.
    /// </summary>
    public static bool IsSafeToRepeat(ApiOperation operation, ReadOnlySpan<byte> utf8Body)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (utf8Body.IsEmpty || !DependsOnBody(operation.Id))
        {
            return IsSafeToRepeat(operation, (JsonElement?)null);
        }

        var reader = new Utf8JsonReader(utf8Body);
        if (!JsonDocument.TryParseValue(ref reader, out var document))
        {
            return false;
        }

        using (document)
        {
            return IsSafeToRepeat(operation, document.RootElement);
        }
    }

    /// <summary>Whether <see cref="IsSafeToRepeat(ApiOperation, JsonElement?)"/> looks at the body of this operation.</summary>
    public static bool DependsOnBody(string operationId) =>
        operationId is "update_profile" or "create_or_update_profile" or "create_event" or "bulk_create_events" or "create_profile";

    private static bool Is(string method, string expected) => string.Equals(method, expected, StringComparison.OrdinalIgnoreCase);

    private static JsonElement Member(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return default;
            }
        }

        return element;
    }

    private static bool HasText(JsonElement element) => element.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(element.GetString());

    // Every resource of type "event" anywhere in the body carries attributes.unique_id.
    private static bool EveryEventHasUniqueId(JsonElement element, out int events)
    {
        events = 0;
        var pending = new Stack<JsonElement>();
        pending.Push(element);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in current.EnumerateArray())
                {
                    pending.Push(item);
                }
            }
            else if (current.ValueKind == JsonValueKind.Object)
            {
                if (current.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "event" && current.TryGetProperty("attributes", out var attributes))
                {
                    events++;
                    if (!HasText(Member(attributes, "unique_id")))
                    {
                        return false;
                    }
                }

                foreach (var property in current.EnumerateObject())
                {
                    pending.Push(property.Value);
                }
            }
        }

        return true;
    }
}
