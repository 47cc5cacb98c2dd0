using Klaviyo.Client;
using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>
/// Packs events into one <c>event-bulk-create-job</c>: grouped by profile into Klaviyo's entries, at most 1000 events
/// and 5 MB of body, counted exactly as the body will be serialized. Refuses an event whose <c>unique_id</c>, profile
/// and metric repeat one already in the job, since Klaviyo would fail the whole job.
/// </summary>
public sealed class BulkJobBuilder(int maxEvents = KlaviyoClient.MaxEventsPerBulkJob, int maxBytes = KlaviyoClient.MaxEventPayloadBytes)
{
    private static readonly int s_envelopeBytes = KlaviyoClient.SerializeBulkJob(Job([])).Length;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(string UniqueId, string Profile, string Metric), int> _keys = [];

    public int Count { get; private set; }

    /// <summary>The exact size of the body <see cref="Build"/> will produce.</summary>
    public long Bytes { get; private set; } = s_envelopeBytes;

    /// <summary>Adds <paramref name="prepared"/> (known to the caller as <paramref name="source"/>), or says why it cannot.</summary>
    public BulkAddResult TryAdd(PreparedEvent prepared, int source)
    {
        var profile = prepared.Resource.Attributes.Profile.Data;
        var identity = string.Join('\u001f', prepared.ProfileIdentifiers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value.ToLowerInvariant()));
        var key = (prepared.UniqueId, identity, prepared.MetricName);
        if (_keys.TryGetValue(key, out var first))
        {
            return BulkAddResult.Duplicate(first);
        }

        var @event = new BulkEventResource(BulkEventAttributes.From(prepared.Resource.Attributes));
        var eventBytes = KlaviyoClient.SerializeBulkEvent(@event).Length;
        var profileKey = KlaviyoClient.SerializeProfile(profile);
        var added = _entries.TryGetValue(profileKey, out var entry)
            ? eventBytes + 1
            : EntrySkeletonBytes(profile) + eventBytes + (_entries.Count > 0 ? 1 : 0);

        if (Count + 1 > maxEvents || Bytes + added > maxBytes)
        {
            return Count == 0 ? BulkAddResult.TooLarge(s_envelopeBytes + added) : BulkAddResult.Full;
        }

        if (entry is null)
        {
            entry = new Entry(profile);
            _entries[profileKey] = entry;
        }

        entry.Events.Add(@event);
        _keys[key] = source;
        Count++;
        Bytes += added;
        return BulkAddResult.Added;
    }

    public BulkEventJobResource Build() =>
        Job([.. _entries.Values.Select(e => new BulkEventEntry(new BulkEventEntryAttributes(new JsonApiData<EventProfileResource>(e.Profile), new JsonApiDataList<BulkEventResource>(e.Events))))]);

    private static BulkEventJobResource Job(IReadOnlyList<BulkEventEntry> entries) =>
        new(new BulkEventJobAttributes(new JsonApiDataList<BulkEventEntry>(entries)));

    // An entry with no events: the bytes it adds to a job, before its events (each event adds its bytes, and a comma after the first).
    private static int EntrySkeletonBytes(EventProfileResource profile) =>
        KlaviyoClient.SerializeBulkJob(Job([new BulkEventEntry(new BulkEventEntryAttributes(new JsonApiData<EventProfileResource>(profile), new JsonApiDataList<BulkEventResource>([])))])).Length - s_envelopeBytes;

    private sealed class Entry(EventProfileResource profile)
    {
        public EventProfileResource Profile { get; } = profile;

        public List<BulkEventResource> Events { get; } = [];
    }
}
