namespace Klaviyo.Client;

/// <summary>Where an error comes from: a JSON pointer into the request body, or a query parameter's name.</summary>
public sealed record KlaviyoErrorSource(string? Pointer = null, string? Parameter = null);
