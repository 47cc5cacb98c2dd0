namespace Klaviyo.Client.RateLimiting;

/// <summary>
/// What Klaviyo last said of one bucket's steady window in its <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c>
/// headers: how many requests are left, and when the window has room again. Requests beyond what is left wait until
/// that moment and no longer: the hold never outlasts the <c>RateLimit-Reset</c> Klaviyo gave.
/// </summary>
internal sealed class LearnedQuota(TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _remaining;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;

    /// <summary>Klaviyo counts <paramref name="remaining"/> requests left until <paramref name="reset"/> from now.</summary>
    public void Learn(int remaining, TimeSpan reset)
    {
        lock (_gate)
        {
            _remaining = remaining;
            _resetAt = time.GetUtcNow() + reset;
        }
    }

    /// <summary>Zero when a request may go now (it is counted); otherwise how long until Klaviyo's window has room.</summary>
    public TimeSpan TryTake()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now >= _resetAt)
            {
                return TimeSpan.Zero;
            }

            if (_remaining > 0)
            {
                _remaining--;
                return TimeSpan.Zero;
            }

            return _resetAt - now;
        }
    }
}
