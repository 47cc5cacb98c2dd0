using System.Text;
using System.Text.Json;

namespace Klaviyo.Client.Events;

/// <summary>
/// Builds an <c>event-bulk-create-job</c> body from events serialized once each: entries grouped by profile, with the
/// body's exact size known at every step (so a packer can stop before Klaviyo's 5 MB). The bytes it writes are the
/// same as serializing the equivalent <see cref="BulkEventJobResource"/> (a test holds them equal).
/// </summary>
public sealed class BulkEventJobWriter
{
    private static readonly byte[] s_jobStart = Encoding.UTF8.GetBytes("""{"data":{"type":"event-bulk-create-job","attributes":{"events-bulk-create":{"data":[""");
    private static readonly byte[] s_jobEnd = Encoding.UTF8.GetBytes("]}}}}");
    private static readonly byte[] s_entryStart = Encoding.UTF8.GetBytes("""{"type":"event-bulk-create","attributes":{"profile":{"data":""");
    private static readonly byte[] s_entryEvents = Encoding.UTF8.GetBytes("""},"events":{"data":[""");
    private static readonly byte[] s_entryEnd = Encoding.UTF8.GetBytes("]}}}");

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<Entry> _order = [];

    public long Bytes { get; private set; } = s_jobStart.Length + s_jobEnd.Length;

    public int Count { get; private set; }

    /// <summary>An event ready to add: its bytes, and its profile's, serialized once.</summary>
    public static SerializedBulkEvent Serialize(EventProfileResource profile, BulkEventResource @event) => new(
        JsonSerializer.SerializeToUtf8Bytes(profile, KlaviyoDocumentJsonContext.Wire.EventProfileResource),
        JsonSerializer.SerializeToUtf8Bytes(@event, KlaviyoDocumentJsonContext.Wire.BulkEventResource));

    /// <summary>How many bytes adding <paramref name="event"/> would add to the body.</summary>
    public long BytesToAdd(SerializedBulkEvent @event) => _entries.ContainsKey(@event.ProfileKey)
        ? @event.Event.Length + 1
        : s_entryStart.Length + @event.Profile.Length + s_entryEvents.Length + @event.Event.Length + s_entryEnd.Length + (_order.Count > 0 ? 1 : 0);

    public void Add(SerializedBulkEvent @event)
    {
        var added = BytesToAdd(@event);
        if (!_entries.TryGetValue(@event.ProfileKey, out var entry))
        {
            entry = new Entry(@event.Profile);
            _entries[@event.ProfileKey] = entry;
            _order.Add(entry);
        }

        entry.Events.Add(@event.Event);
        Bytes += added;
        Count++;
    }

    public byte[] ToArray()
    {
        var body = new byte[Bytes];
        var at = 0;
        void Put(byte[] bytes)
        {
            bytes.CopyTo(body, at);
            at += bytes.Length;
        }

        Put(s_jobStart);
        for (var e = 0; e < _order.Count; e++)
        {
            if (e > 0)
            {
                body[at++] = (byte)',';
            }

            Put(s_entryStart);
            Put(_order[e].Profile);
            Put(s_entryEvents);
            for (var i = 0; i < _order[e].Events.Count; i++)
            {
                if (i > 0)
                {
                    body[at++] = (byte)',';
                }

                Put(_order[e].Events[i]);
            }

            Put(s_entryEnd);
        }

        Put(s_jobEnd);
        return body;
    }

    private sealed class Entry(byte[] profile)
    {
        public byte[] Profile { get; } = profile;

        public List<byte[]> Events { get; } = [];
    }
}
