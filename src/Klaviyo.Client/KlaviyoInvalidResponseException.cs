namespace Klaviyo.Client;

/// <summary>Klaviyo answered with success, but not with the JSON:API document the operation returns.</summary>
public sealed class KlaviyoInvalidResponseException(string message, Exception? inner = null) : KlaviyoException(message, inner);
