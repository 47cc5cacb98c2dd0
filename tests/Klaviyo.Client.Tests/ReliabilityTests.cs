using System.Diagnostics;
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
        using var harness = new ClientHarness(stub, o => o.MaxRateLimitWait = TimeSpan.FromMilliseconds(500));

        await harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken);
        var limited = await Assert.ThrowsAsync<KlaviyoRateLimitedException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));

        Assert.Equal("GET /api/profiles", limited.Bucket);
        Assert.True(limited.RetryAfter > TimeSpan.FromSeconds(30), $"retry after {limited.RetryAfter}");
        Assert.Single(stub.Requests);
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
        await AssertCancelledPromptly(token => harness.Client.GetProfilesAsync(new KlaviyoQuery(), token), () => stub.Requests.Count == 1);
    }

    [Fact]
    public async Task Cancellation_ends_a_call_waiting_for_a_rate_limit_permit()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 200, """{"data":[],"links":{"self":"x"}}""");
        using var harness = new ClientHarness(stub);
        // GET /api/accounts allows 1 a second: a second call right after the first waits about a second for its permit.
        await harness.Client.GetAccountsAsync(TestContext.Current.CancellationToken);

        await AssertCancelledPromptly(token => harness.Client.GetAccountsAsync(token), () => true);
        Assert.Single(stub.Requests);
    }

    private static async Task AssertCancelledPromptly(Func<CancellationToken, Task> call, Func<bool> waiting)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = call(cancel.Token);
        for (var i = 0; i < 250 && !waiting(); i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(running.IsCompleted, "the call ended before it was cancelled");
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the call took {clock.ElapsedMilliseconds} ms to end after cancellation");
    }
}
