using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;

namespace Klaviyo.Client.Tests;

public sealed class RetryRulesTests
{
    private static readonly KlaviyoClientOptions s_options = new() { MaxRetryAfter = TimeSpan.FromSeconds(30) };
    private static readonly FakeTimeProvider s_time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("GET", false, 500, true)]
    [InlineData("GET", false, 502, true)]
    [InlineData("GET", false, 503, true)]
    [InlineData("GET", false, 504, true)]
    [InlineData("POST", false, 500, false)]
    [InlineData("POST", false, 503, false)]
    [InlineData("PATCH", false, 503, false)]
    [InlineData("DELETE", false, 503, false)]
    [InlineData("POST", true, 503, true)]
    [InlineData("POST", false, 429, true)]
    [InlineData("PATCH", false, 429, true)]
    [InlineData("GET", false, 400, false)]
    [InlineData("POST", true, 400, false)]
    [InlineData("GET", false, 401, false)]
    [InlineData("GET", false, 404, false)]
    [InlineData("POST", true, 409, false)]
    public void Which_statuses_are_retried(string method, bool replayable, int status, bool retried)
    {
        using var request = Request(method, replayable);
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(retried, KlaviyoRetryRules.ShouldRetry(Outcome.FromResult(response), request, s_options, s_time));
    }

    [Theory]
    [InlineData("GET", false, true)]
    [InlineData("POST", true, true)]
    [InlineData("POST", false, false)]
    public void Timeouts_and_connection_failures_are_retried_only_when_replayable(string method, bool replayable, bool retried)
    {
        using var request = Request(method, replayable);

        Assert.Equal(retried, KlaviyoRetryRules.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset")), request, s_options, s_time));
        Assert.Equal(retried, KlaviyoRetryRules.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), request, s_options, s_time));
        Assert.False(KlaviyoRetryRules.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException()), request, s_options, s_time));
    }

    [Fact]
    public void Retry_After_is_read_in_seconds_or_as_an_HTTP_date_and_capped()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfterHeader.Read(seconds, s_time));

        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.TryAddWithoutValidation("Retry-After", s_time.GetUtcNow().AddSeconds(12).ToString("R"));
        Assert.Equal(TimeSpan.FromSeconds(12), RetryAfterHeader.Read(date, s_time));

        using var past = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        past.Headers.TryAddWithoutValidation("Retry-After", s_time.GetUtcNow().AddSeconds(-5).ToString("R"));
        Assert.Equal(TimeSpan.Zero, RetryAfterHeader.Read(past, s_time));

        using var tooLong = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        tooLong.Headers.TryAddWithoutValidation("Retry-After", "31");
        using var post = Request("POST", false);
        Assert.False(KlaviyoRetryRules.ShouldRetry(Outcome.FromResult(tooLong), post, s_options, s_time));

        using var absent = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        Assert.Null(RetryAfterHeader.Read(absent, s_time));
        Assert.True(KlaviyoRetryRules.ShouldRetry(Outcome.FromResult(absent), post, s_options, s_time));
    }

    private static HttpRequestMessage Request(string method, bool replayable)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "http://127.0.0.1/api/x");
        if (replayable)
        {
            request.Options.Set(KlaviyoRequestOptions.Replayable, true);
        }

        return request;
    }
}
