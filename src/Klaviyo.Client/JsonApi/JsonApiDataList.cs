namespace Klaviyo.Client.JsonApi;

/// <summary>A JSON:API member holding several resources under <c>data</c>.</summary>
public sealed record JsonApiDataList<TResource>(IReadOnlyList<TResource> Data);
