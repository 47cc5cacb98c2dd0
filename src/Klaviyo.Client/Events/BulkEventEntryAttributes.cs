using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Events;

public sealed record BulkEventEntryAttributes(JsonApiData<EventProfileResource> Profile, JsonApiDataList<BulkEventResource> Events);
