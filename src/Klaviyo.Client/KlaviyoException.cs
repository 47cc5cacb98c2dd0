namespace Klaviyo.Client;

/// <summary>Base of every failure <see cref="KlaviyoClient"/> reports. Messages never contain the API key.</summary>
public abstract class KlaviyoException(string message, Exception? inner = null) : Exception(message, inner);
