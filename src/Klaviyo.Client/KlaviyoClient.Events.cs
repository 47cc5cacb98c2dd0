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
}
