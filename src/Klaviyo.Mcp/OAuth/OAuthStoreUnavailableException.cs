namespace Klaviyo.Mcp.OAuth;

/// <summary>The shared store of sign-ins (Redis) could not be reached: the request is answered 503, to be retried; nothing secret in the message.</summary>
public sealed class OAuthStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
