using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Client.Tests;

public sealed class ReliabilityTests
{
    [Fact]
    public async Task The_limiter_learns_from_RateLimit_Remaining_that_another_client_used_the_quota()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 200, """{"data":[],"links":{"self":"x"}}""",
            new Dictionary<string, string> { ["RateLimit-Limit"] = "750", ["RateLimit-Remaining"] = "0", ["RateLimit-Reset"] = "42" });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var harness = new ClientHarness(stub, o => o.MaxRateLimitWait = TimeSpan.FromMilliseconds(500), time);

        await harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken);
        var limited = await Assert.ThrowsAsync<KlaviyoRateLimitedException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));

        Assert.Equal("GET /api/profiles", limited.Bucket);
        Assert.Equal(TimeSpan.FromSeconds(42), limited.RetryAfter);
        Assert.Contains("retry after 42 s", limited.Message);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task After_RateLimit_Remaining_0_the_next_request_waits_for_RateLimit_Reset_and_no_longer()
    {
        var time = new WatchedFakeTime(DateTimeOffset.UtcNow);
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202, null,
            new Dictionary<string, string> { ["RateLimit-Limit"] = "3500", ["RateLimit-Remaining"] = "0", ["RateLimit-Reset"] = "3" });
        using var harness = new ClientHarness(stub, time: time);

        await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);
        var next = harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);
        await time.WaitForTimerAsync(due => due > TimeSpan.Zero && due <= TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(next.IsCompleted, "the request went before Klaviyo's window had room");
        Assert.Single(stub.Requests);

        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(next.IsCompleted, "the request went before RateLimit-Reset had passed");

        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_call_that_may_not_wait_so_long_is_refused_with_Klaviyos_reset_as_the_retry_time()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202, null,
            new Dictionary<string, string> { ["RateLimit-Limit"] = "3500", ["RateLimit-Remaining"] = "0", ["RateLimit-Reset"] = "3" });
        using var harness = new ClientHarness(stub, o => o.MaxRateLimitWait = TimeSpan.FromSeconds(1));

        await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);
        var limited = await Assert.ThrowsAsync<KlaviyoRateLimitedException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Contains("retry after 3 s", limited.Message);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task RateLimit_Remaining_0_with_RateLimit_Reset_0_holds_nothing_back()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 202, null,
            new Dictionary<string, string> { ["RateLimit-Limit"] = "3500", ["RateLimit-Remaining"] = "0", ["RateLimit-Reset"] = "0" });
        using var harness = new ClientHarness(stub, time: time);

        for (var i = 0; i < 3; i++)
        {
            await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task A_read_whose_body_breaks_off_mid_stream_is_retried()
    {
        using var server = new MidBodyResetServer(resets: 1);
        using var harness = new ClientHarness(server.Url);

        var page = await harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken);

        Assert.Equal("01P", page.Root.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(["GET /api/profiles", "GET /api/profiles"], server.Requests);
    }

    [Fact]
    public async Task A_write_whose_body_breaks_off_is_not_repeated_and_says_it_may_have_been_processed()
    {
        using var server = new MidBodyResetServer(resets: 10, body: """{"data":{"type":"list","id":"L1","attributes":{"name":"VIP"}}}""", status: 201);
        using var harness = new ClientHarness(server.Url);

        var failure = await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.CreateListAsync(new Lists.ListAttributes("VIP", null), TestContext.Current.CancellationToken));

        Assert.True(failure.MaybeProcessed);
        Assert.Contains("unknown whether Klaviyo processed", failure.Message);
        Assert.Equal(["POST /api/lists"], server.Requests);
    }

    [Fact]
    public async Task Logged_requests_never_show_the_Authorization_header()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 200, """{"data":[],"links":{"self":"x"}}""");
        using var harness = new ClientHarness(stub);

        await harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken);

        Assert.Contains(harness.Logs.Lines, line => line.Contains("Authorization: *", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logs.Lines, line => line.Contains(ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancellation_ends_a_call_waiting_out_Retry_After()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 429, ErrorBody(429, "throttled", "slow down"), new Dictionary<string, string> { ["Retry-After"] = "20" });
        using var harness = new ClientHarness(stub);
        await AssertEndedByCancellation(token => harness.Client.GetProfilesAsync(new KlaviyoQuery(), token), () => stub.Requests.Count == 1);
    }

    [Fact]
    public async Task Cancellation_ends_a_call_waiting_for_a_rate_limit_permit()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 200, """{"data":[],"links":{"self":"x"}}""");
        using var harness = new ClientHarness(stub);
        // GET /api/accounts allows 1 a second: a second call right after the first waits about a second for its permit.
        await harness.Client.GetAccountsAsync(TestContext.Current.CancellationToken);

        await AssertEndedByCancellation(token => harness.Client.GetAccountsAsync(token), () => true);
        Assert.Single(stub.Requests);
    }

    private static async Task AssertEndedByCancellation(Func<CancellationToken, Task> call, Func<bool> waiting)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = call(cancel.Token);
        for (var i = 0; i < 250 && !waiting(); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(running.IsCompleted, "the call ended before it was cancelled");
        await cancel.CancelAsync();

        // Ended by the cancellation: had the wait run out instead, the call would have ended in a 429 or a success.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }
}
