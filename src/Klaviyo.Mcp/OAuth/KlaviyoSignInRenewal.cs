namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// Per request, with <c>KLAVIYO_HTTP_AUTH=klaviyo</c>: whether renewing the person's Klaviyo token failed for a passing
/// reason (Klaviyo unreachable or slow, the store of sign-ins down, another replica renewing it), so that a 401 from
/// Klaviyo is told as "retry in a moment", not as a revoked sign-in (which only <c>invalid_grant</c> means).
/// </summary>
public sealed class KlaviyoSignInRenewal
{
    public bool FailedTransiently { get; set; }
}
