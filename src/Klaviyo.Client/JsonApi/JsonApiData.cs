namespace Klaviyo.Client.JsonApi;

/// <summary>A JSON:API member holding one resource under <c>data</c>: a request document, or a relationship.</summary>
public sealed record JsonApiData<TResource>(TResource Data);
