namespace Klaviyo.Client;

/// <summary>The body of a Klaviyo 4xx or 5xx response.</summary>
public sealed record KlaviyoErrorDocument(IReadOnlyList<KlaviyoError>? Errors);
