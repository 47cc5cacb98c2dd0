using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Subscriptions;

public sealed record SuppressionJobAttributes(JsonApiDataList<EmailProfileResource> Profiles);
