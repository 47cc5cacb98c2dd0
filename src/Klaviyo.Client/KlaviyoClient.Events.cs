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
        WriteAsync(HttpMethod.Post, "api/events", new JsonApiData<EventResource>(@event), KlaviyoJsonContext.Wire.JsonApiDataEventResource,
            "create_event", MaxEventPayloadBytes, replayable: @event.Attributes.UniqueId is not null, cancellationToken);

    /// <summary>Most events Klaviyo accepts in one bulk job.</summary>
    public const int MaxEventsPerBulkJob = 1000;

    /// <summary>
    /// <c>POST /api/event-bulk-create-jobs</c> (202). Every event must carry a <c>unique_id</c>: that makes the job
    /// safe to retry. <paramref name="maxRateLimitWait"/> lets a long import wait for the 10/s and 150/min limit.
    /// </summary>
    public Task BulkCreateEventsAsync(BulkEventJobResource job, CancellationToken cancellationToken, TimeSpan? maxRateLimitWait = null) =>
        WriteAsync(HttpMethod.Post, "api/event-bulk-create-jobs", new JsonApiData<BulkEventJobResource>(job), KlaviyoJsonContext.Wire.JsonApiDataBulkEventJobResource,
            "bulk_create_events", MaxEventPayloadBytes,
            replayable: job.Attributes.EventsBulkCreate.Data.All(e => e.Attributes.Events.Data.All(ev => ev.Attributes.UniqueId is not null)),
            cancellationToken, maxRateLimitWait);

    /// <summary>The serialized size of a bulk job body, as it would be sent (for packing jobs under the 5 MB limit).</summary>
    public static byte[] SerializeBulkJob(BulkEventJobResource job) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonApiData<BulkEventJobResource>(job), KlaviyoJsonContext.Wire.JsonApiDataBulkEventJobResource);

    /// <summary>A profile as a bulk job entry carries it, serialized: equal strings mean one entry can hold both events.</summary>
    public static string SerializeProfile(EventProfileResource profile) =>
        JsonSerializer.Serialize(profile, KlaviyoJsonContext.Wire.EventProfileResource);

    /// <summary>The serialized bytes of one bulk event, as it appears inside a job.</summary>
    public static byte[] SerializeBulkEvent(BulkEventResource @event) =>
        JsonSerializer.SerializeToUtf8Bytes(@event, KlaviyoJsonContext.Wire.BulkEventResource);
}
