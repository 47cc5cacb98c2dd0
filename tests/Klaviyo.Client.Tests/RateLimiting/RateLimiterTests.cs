using System.Text.Json.Nodes;
using Klaviyo.Client.Operations;
using Klaviyo.Client.RateLimiting;
using Klaviyo.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Client.Tests;

public sealed class RateLimiterTests
{
    [Fact]
    public void Every_row_of_the_table_matches_the_specs_x_klaviyo_ratelimit()
    {
        Assert.Equal(333, KlaviyoRateLimits.Operations.Count);
        var paths = JsonNode.Parse(File.ReadAllText(RepositoryPaths.OpenApiSpec))!["paths"]!;
        foreach (var rule in KlaviyoRateLimits.Operations)
        {
            var limit = paths[rule.PathTemplate]?[rule.Method.ToLowerInvariant()]?["x-klaviyo-ratelimit"];
            Assert.True(limit is not null, $"{rule.Bucket} has no x-klaviyo-ratelimit in the spec");
            Assert.Equal($"{rule.Limit.PerSecond}/s", (string?)limit["burst"]);
            Assert.Equal($"{rule.Limit.PerMinute}/m", (string?)limit["steady"]);
            var stricter = KlaviyoRateLimits.StricterDailyCaps.FirstOrDefault(c => OperationCatalog.Default.Find(c.Key) is { } o && o.Path == rule.PathTemplate && o.Method == rule.Method);
            Assert.Equal(rule.Limit.PerDay is { } day ? $"{(stricter.Key is null ? day : 500)}/d" : null, (string?)limit["daily"]);
            if (stricter.Key is not null)
            {
                Assert.Equal(stricter.Value, rule.Limit.PerDay);
            }
        }
    }

    [Theory]
    [InlineData("GET", "/api/profiles", "?page[size]=20", new[] { "GET /api/profiles" })]
    [InlineData("GET", "/api/profiles", "?additional-fields%5Bprofile%5D=subscriptions%2Cpredictive_analytics", new[] { "GET /api/profiles", "predictive_analytics" })]
    [InlineData("GET", "/api/profiles/01P", "?include=lists%2Csegments", new[] { "GET /api/profiles/{id}", "GET /api/profiles/{id}?include=lists", "GET /api/profiles/{id}?include=segments" })]
    [InlineData("GET", "/api/coupons/C1/coupon-codes", "", new[] { "GET /api/coupons/{id}/coupon-codes" })]
    [InlineData("POST", "/api/campaign-send-jobs", "", new[] { "POST /api/campaign-send-jobs" })]
    [InlineData("GET", "/api/lists/L1", "?additional-fields[list]=profile_count", new[] { "GET /api/lists/{id}", "GET /api/lists/{id}?additional-fields[list]=profile_count" })]
    [InlineData("GET", "/api/lists/L1/profiles", "", new[] { "GET /api/lists/{id}/profiles" })]
    [InlineData("POST", "/api/lists/L1/relationships/profiles", "", new[] { "POST /api/lists/{id}/relationships/profiles" })]
    [InlineData("GET", "/api/unknown", "", new string[0])]
    public void Requests_draw_on_their_endpoints_bucket_and_on_the_buckets_of_expensive_options(string method, string path, string query, string[] buckets) =>
        Assert.Equal(buckets, KlaviyoRateLimits.BucketsFor(method, path, query).Select(b => b.Bucket));

    [Fact]
    public async Task No_one_second_window_ever_holds_more_than_the_burst_limit()
    {
        using var limiter = new KlaviyoRateLimiter((_, _, _) => [("test", new RateLimit(5, 1000))]);
        var times = new List<long>();
        for (var i = 0; i < 14; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/api/x");
            await limiter.AcquireAsync(request, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            times.Add(Environment.TickCount64);
        }

        for (var i = 5; i < times.Count; i++)
        {
            Assert.True(times[i] - times[i - 5] >= 1000, $"requests {i - 5} and {i} were {times[i] - times[i - 5]} ms apart: 6 in one second");
        }
    }

    [Fact]
    public async Task A_permit_further_away_than_the_wait_bound_fails_at_once_with_the_time_to_retry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new KlaviyoRateLimiter((_, _, _) => [("daily report", new RateLimit(100, 2))], time);
        for (var i = 0; i < 2; i++)
        {
            using var ok = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/api/x");
            var granted = limiter.AcquireAsync(ok, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken).AsTask();
            while (!granted.IsCompleted)
            {
                // The second permit waits out the spacing between permits: on this clock, only as it is moved on.
                time.Advance(TimeSpan.FromMilliseconds(5));
                await Task.Yield();
            }

            await granted;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/api/x");
        var pending = limiter.AcquireAsync(request, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken).AsTask();

        // On a clock that does not move, a call that waited at all could not have ended yet.
        Assert.True(pending.IsCompleted, "it waited instead of failing");
        var failure = await Assert.ThrowsAsync<KlaviyoRateLimitedException>(() => pending);
        Assert.True(failure.RetryAfter > TimeSpan.FromSeconds(1));
        Assert.Contains("rate limit for daily report (100/s, 2/min) is used up; retry after", failure.Message);
    }

    [Fact]
    public async Task A_client_call_that_cannot_get_a_permit_sends_nothing()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202);
        using var harness = new ClientHarness(stub, o => o.MaxRateLimitWait = TimeSpan.Zero);

        // POST /api/events allows 350 a second: the 351st in the same second cannot wait, with a zero bound.
        var calls = Enumerable.Range(0, 351).Select(i => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: $"u{i}"), TestContext.Current.CancellationToken));
        var outcomes = await Task.WhenAll(calls.Select(async c =>
        {
            try
            {
                await c;
                return true;
            }
            catch (KlaviyoRateLimitedException)
            {
                return false;
            }
        }));

        Assert.Equal(350, outcomes.Count(o => o));
        Assert.Equal(350, stub.Requests.Count);
    }
}
