namespace Klaviyo.Client.Operations;

/// <summary>
/// An operation's rate limit from the spec's <c>x-klaviyo-ratelimit</c>: <paramref name="Burst"/> requests per second,
/// <paramref name="Steady"/> per minute and, for a few operations (reports, image uploads, list creation),
/// <paramref name="Daily"/> per day.
/// </summary>
public sealed record ApiRateLimit(int Burst, int Steady, int? Daily = null);
