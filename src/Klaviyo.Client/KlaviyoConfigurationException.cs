namespace Klaviyo.Client;

/// <summary>The client cannot send because it is not configured (no API key); nothing was sent.</summary>
public sealed class KlaviyoConfigurationException(string message) : KlaviyoException(message);
