using System.Net.Http.Headers;

namespace Klaviyo.Client;

/// <summary>Reads <c>Retry-After</c>, in seconds or as an HTTP date.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider time) => Read(response.Headers.RetryAfter, time);

    public static TimeSpan? Read(RetryConditionHeaderValue? header, TimeProvider time)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
