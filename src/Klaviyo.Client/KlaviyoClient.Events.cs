using System.Text.Json;
using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client;

public sealed partial class KlaviyoClient
{
    /// <summary>
    /// <c>POST /api/events</c>. Klaviyo answers 202 with no body once it has validated the event. A request whose
    /// event carries a <c>unique_id</c> is retried after a 5xx or a timeout, since Klaviyo keeps only the first copy.
    /// </summary>
    public Task CreateEventAsync(EventResource @event, CancellationToken cancellationToken) =>
        WriteAsync("create_event", null, new JsonApiData<EventResource>(@event), KlaviyoDocumentJsonContext.Wire.JsonApiDataEventResource,
            MaxEventPayloadBytes, cancellationToken);

    /// <summary>Most events Klaviyo accepts in one bulk job.</summary>
    public const int MaxEventsPerBulkJob = 1000;

    /// <summary>
    /// <c>POST /api/event-bulk-create-jobs</c> with a body built by <see cref="BulkEventJobWriter"/> (each event serialized
    /// once). Retried after an ambiguous failure only if every event carries a <c>unique_id</c>.
    /// </summary>
    public async Task BulkCreateEventsAsync(BulkEventJobWriter job, CancellationToken cancellationToken, TimeSpan? maxRateLimitWait = null)
    {
        if (job.Bytes > MaxEventPayloadBytes)
        {
            throw new KlaviyoPayloadTooLargeException("bulk_create_events", job.Bytes, MaxEventPayloadBytes);
        }

        var (operation, path) = Route("bulk_create_events");
        using var response = await SendAsync(operation, path, job.ToArray(), cancellationToken, maxRateLimitWait).ConfigureAwait(false);
    }

    /// <summary>A bulk job serialized from typed resources: what <see cref="BulkEventJobWriter"/> must produce byte for byte.</summary>
    public static byte[] SerializeBulkJob(BulkEventJobResource job) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonApiData<BulkEventJobResource>(job), KlaviyoDocumentJsonContext.Wire.JsonApiDataBulkEventJobResource);

    /// <summary>A profile as a bulk job entry carries it, serialized: equal strings mean one entry can hold both events.</summary>
    public static string SerializeProfile(EventProfileResource profile) =>
        JsonSerializer.Serialize(profile, KlaviyoDocumentJsonContext.Wire.EventProfileResource);
}
