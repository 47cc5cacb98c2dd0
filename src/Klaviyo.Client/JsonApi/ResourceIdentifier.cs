namespace Klaviyo.Client.JsonApi;

/// <summary>A resource's type and id, as relationships and membership bodies name it: <c>{ "type": "profile", "id": "01G..." }</c>.</summary>
public sealed record ResourceIdentifier(string Type, string Id);
