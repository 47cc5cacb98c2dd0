namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The person's Klaviyo token could not be renewed just now, for a passing reason (Klaviyo unreachable or over
/// <see cref="KlaviyoTokenClient.RequestTimeout"/>, the store of sign-ins down, or another request still renewing it):
/// the sign-in stands and the request is to be retried. <see cref="Exception.Message"/> is for the log;
/// <see cref="Description"/> for the caller. Neither holds a token.
/// </summary>
internal sealed class KlaviyoRenewalUnavailableException(string reason, string description, Exception? inner = null) : Exception(reason, inner)
{
    public string Description { get; } = description;
}
