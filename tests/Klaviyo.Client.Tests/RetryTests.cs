using System.Net;
using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Client.Tests;

public sealed class RetryTests
{
    private static readonly string s_throttled = ErrorBody(429, "throttled", "Request was throttled. Expected available in 1 second.", pointer: "/data");

    [Fact]
    public async Task A_429_waits_out_Retry_After_then_succeeds_with_exactly_two_requests()
    {
        var time = new WatchedFakeTime(DateTimeOffset.UtcNow);
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/events",
            r => Response(429, s_throttled, new Dictionary<string, string> { ["Retry-After"] = "1" }),
            r => Response(202));
        using var harness = new ClientHarness(stub, time: time);
        var cancel = TestContext.Current.CancellationToken;

        var call = harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: null), cancel);
        await time.WaitForTimerAsync(due => due == TimeSpan.FromSeconds(1), cancel);

        time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(200, cancel);
        Assert.False(call.IsCompleted, "the call ended before Retry-After ran out");
        Assert.Single(stub.Requests);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await call.WaitAsync(TimeSpan.FromSeconds(10), cancel);

        var requests = stub.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_cap_ends_the_call_at_once_and_says_when_to_retry()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 429, s_throttled, new Dictionary<string, string> { ["Retry-After"] = "120" });
        using var harness = new ClientHarness(stub, o => o.MaxRetryAfter = TimeSpan.FromSeconds(30));

        var failure = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), failure.RetryAfter);
        Assert.Contains("retry after 120 s", failure.Message);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task A_503_on_an_event_with_a_unique_id_is_retried_because_Klaviyo_deduplicates_it()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/events",
            r => Response(503, ErrorBody(503, "service_unavailable", "Try again.")),
            r => Response(202));
        using var harness = new ClientHarness(stub);

        await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: "order-4711"), TestContext.Current.CancellationToken);

        var requests = stub.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Contains("\"unique_id\":\"order-4711\"", r.Body));
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Retrying POST /api/events", StringComparison.Ordinal) && l.Contains("HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_POST_without_an_idempotency_key_is_not_repeated_after_a_503()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/events",
            r => Response(503, ErrorBody(503, "service_unavailable", "Try again.")),
            r => Response(202));
        using var harness = new ClientHarness(stub);

        var failure = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: null), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task A_relationship_DELETE_answered_404_after_a_503_is_still_not_found()
    {
        // Removing members twice leaves the list in place: a 404 on the repeat says the list is not there, not that the removal went through.
        using var stub = new KlaviyoStub().AnswerInSequence("DELETE", "/api/lists/L1/relationships/profiles",
            r => Response(503, ErrorBody(503, "service_unavailable", "Try again.")),
            r => Response(404, ErrorBody(404, "not_found", "A list with id L1 does not exist.")));
        using var harness = new ClientHarness(stub);

        var failure = await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.RemoveProfilesFromListAsync("L1", ["01P"], TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_attempts()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 500, ErrorBody(500, "error", "boom"));
        using var harness = new ClientHarness(stub, o => o.MaxRetryAttempts = 2);

        await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried_only_when_replayable()
    {
        using var silent = new SilentServer();
        using var stub = new KlaviyoStub();
        using var harness = new ClientHarness(stub, o =>
        {
            o.BaseUrl = silent.Url;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetryAttempts = 1;
        });

        var unsafeWrite = await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: null), TestContext.Current.CancellationToken));
        Assert.Contains("did not answer", unsafeWrite.Message);
        Assert.Equal(1, silent.Requests);

        await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(uniqueId: "order-1"), TestContext.Current.CancellationToken));
        Assert.Equal(3, silent.Requests);
    }

    [Fact]
    public async Task The_total_budget_ends_a_call_that_keeps_failing()
    {
        using var stub = new KlaviyoStub().Answer("POST", "/api/events", 429, s_throttled, new Dictionary<string, string> { ["Retry-After"] = "1" });
        using var harness = new ClientHarness(stub, o =>
        {
            o.TotalTimeout = TimeSpan.FromMilliseconds(1500);
            o.MaxRetryAttempts = 10;
        });

        var failure = await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.Contains("did not answer", failure.Message);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_refused_connection_on_a_replayable_request_is_retried_then_reported()
    {
        var port = System.Net.Sockets.TcpListener.Create(0);
        port.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)port.LocalEndpoint).Port}/");
        port.Stop();
        using var stub = new KlaviyoStub();
        using var harness = new ClientHarness(stub, o =>
        {
            o.BaseUrl = url;
            o.MaxRetryAttempts = 2;
        });

        var failure = await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken));

        Assert.StartsWith("Could not reach Klaviyo for POST /api/events", failure.Message);
        Assert.Equal(2, harness.Logs.Lines.Count(l => l.Contains("Retrying POST /api/events", StringComparison.Ordinal)));
    }
}
