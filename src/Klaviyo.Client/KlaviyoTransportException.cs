namespace Klaviyo.Client;

/// <summary>No answer from Klaviyo: the connection failed or the time budget ran out, after any retries that were safe.</summary>
public sealed class KlaviyoTransportException(string message, Exception? inner = null) : KlaviyoException(message, inner);
