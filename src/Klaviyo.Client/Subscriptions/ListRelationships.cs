using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Subscriptions;

/// <summary>The list a subscription job applies to.</summary>
public sealed record ListRelationships(JsonApiData<ResourceIdentifier> List)
{
    public static ListRelationships For(string listId) => new(new JsonApiData<ResourceIdentifier>(new ResourceIdentifier("list", listId)));
}
