namespace Klaviyo.Mcp.OAuth;

/// <summary>Klaviyo refused to refresh a person's tokens (<c>invalid_grant</c>): the app was removed or the grant revoked; the person must sign in again.</summary>
public sealed class KlaviyoGrantRevokedException()
    : Exception("Klaviyo refused to refresh the sign-in (invalid_grant): the app was removed or access was revoked. Sign in again.");
