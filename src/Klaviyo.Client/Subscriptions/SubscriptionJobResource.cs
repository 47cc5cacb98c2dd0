using System.Text.Json.Serialization;

namespace Klaviyo.Client.Subscriptions;

/// <summary>
/// A bulk subscribe (<c>profile-subscription-bulk-create-job</c>) or unsubscribe (<c>profile-subscription-bulk-delete-job</c>)
/// job, optionally tied to a list.
/// </summary>
public sealed record SubscriptionJobResource(
    [property: JsonPropertyOrder(-1)] string Type,
    SubscriptionJobAttributes Attributes,
    ListRelationships? Relationships = null)
{
    public const string SubscribeType = "profile-subscription-bulk-create-job";
    public const string UnsubscribeType = "profile-subscription-bulk-delete-job";
}
