using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Subscriptions;

/// <summary>The profiles of a subscription job and, for subscribing, how their consent was collected.</summary>
public sealed record SubscriptionJobAttributes(JsonApiDataList<SubscriptionProfileResource> Profiles)
{
    public string? CustomSource { get; init; }

    /// <summary>True to import consent collected in the past: no double opt-in, no "added to list" flows; needs <c>consented_at</c>.</summary>
    public bool? HistoricalImport { get; init; }
}
