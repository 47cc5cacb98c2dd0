using Klaviyo.Client;
using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>
/// Packs events into one <c>event-bulk-create-job</c>: grouped by profile into Klaviyo's entries, at most 1000 events
/// and 5 MB of body, counted exactly (each event is serialized once, by <see cref="BulkEventJobWriter"/>). Refuses an
/// event whose <c>unique_id</c>, profile and metric repeat one already in the job, since Klaviyo would fail the whole job.
/// </summary>
public sealed class BulkJobBuilder(int maxEvents = KlaviyoClient.MaxEventsPerBulkJob, int maxBytes = KlaviyoClient.MaxEventPayloadBytes)
{
    private readonly Dictionary<(string UniqueId, string Profile, string Metric), int> _keys = [];
    private readonly List<(EventProfileResource Profile, BulkEventResource Event)> _events = [];

    /// <summary>The body as it will be sent.</summary>
    public BulkEventJobWriter Writer { get; } = new();

    public int Count => Writer.Count;

    /// <summary>The exact size of the body.</summary>
    public long Bytes => Writer.Bytes;

    /// <summary>Adds <paramref name="prepared"/> (known to the caller as <paramref name="source"/>), or says why it cannot.</summary>
    public BulkAddResult TryAdd(PreparedEvent prepared, int source)
    {
        var key = prepared.DuplicateKey;
        if (_keys.TryGetValue(key, out var first))
        {
            return BulkAddResult.Duplicate(first);
        }

        var profile = prepared.Resource.Attributes.Profile.Data;
        var @event = new BulkEventResource(BulkEventAttributes.From(prepared.Resource.Attributes));
        var serialized = BulkEventJobWriter.Serialize(profile, @event);
        var added = Writer.BytesToAdd(serialized);
        if (Count + 1 > maxEvents || Bytes + added > maxBytes)
        {
            return Count == 0 ? BulkAddResult.TooLarge(Bytes + added) : BulkAddResult.Full;
        }

        Writer.Add(serialized);
        _events.Add((profile, @event));
        _keys[key] = source;
        return BulkAddResult.Added;
    }

    /// <summary>The same job as typed resources (what <see cref="Writer"/> writes, for checks and tests).</summary>
    public BulkEventJobResource Build()
    {
        var entries = new List<(string Key, EventProfileResource Profile, List<BulkEventResource> Events)>();
        foreach (var (profile, @event) in _events)
        {
            var key = KlaviyoClient.SerializeProfile(profile);
            var entry = entries.FindIndex(e => e.Key == key);
            if (entry < 0)
            {
                entries.Add((key, profile, [@event]));
            }
            else
            {
                entries[entry].Events.Add(@event);
            }
        }

        return new BulkEventJobResource(new BulkEventJobAttributes(new JsonApiDataList<BulkEventEntry>(
            [.. entries.Select(e => new BulkEventEntry(new BulkEventEntryAttributes(new JsonApiData<EventProfileResource>(e.Profile), new JsonApiDataList<BulkEventResource>(e.Events))))])));
    }
}
