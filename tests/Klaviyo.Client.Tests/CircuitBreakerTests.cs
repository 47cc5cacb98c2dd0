using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Client.Tests;

public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task During_an_outage_calls_fail_fast_after_several_calls_failed_every_attempt_then_a_probe_goes_through()
    {
        var outage = Enumerable.Repeat<Func<WireMock.ResponseBuilders.IResponseBuilder, WireMock.ResponseBuilders.IResponseBuilder>>(r => Response(503), 15);
        using var stub = new KlaviyoStub().AnswerInSequence("GET", "/api/profiles",
            [.. outage, r => Response(200, """{"data":[],"links":{"self":"x"}}""")]);
        using var harness = new ClientHarness(stub, o =>
        {
            o.MaxRetryAttempts = 2;
            o.CircuitBreakDuration = TimeSpan.FromSeconds(1);
        });

        // Five calls (the default minimum), each failing on all three attempts: Klaviyo is down.
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));
        }

        Assert.Equal(15, stub.Requests.Count);
        var paused = await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));
        Assert.Contains("calls are paused for a few seconds to let it recover; nothing was sent", paused.Message);
        Assert.Equal(15, stub.Requests.Count);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Klaviyo keeps failing", StringComparison.Ordinal));

        await Task.Delay(TimeSpan.FromMilliseconds(1200), TestContext.Current.CancellationToken);
        var recovered = await harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, recovered.Status);
        Assert.Equal(16, stub.Requests.Count);
    }

    [Fact]
    public async Task Bursts_of_5xx_that_the_retries_recovered_from_never_open_the_circuit()
    {
        // Four calls, each meeting two transient 5xx answers (500, 502, 503, 504, twice each) and succeeding on its third attempt.
        var answers = new List<Func<WireMock.ResponseBuilders.IResponseBuilder, WireMock.ResponseBuilders.IResponseBuilder>>();
        foreach (var status in new[] { 500, 502, 503, 504 })
        {
            answers.Add(r => Response(status));
            answers.Add(r => Response(status));
            answers.Add(r => Response(202));
        }

        answers.Add(r => Response(202));
        using var stub = new KlaviyoStub().AnswerInSequence("POST", "/api/events", [.. answers]);
        using var harness = new ClientHarness(stub, o => o.CircuitBreakDuration = TimeSpan.FromSeconds(30));

        for (var i = 0; i < 5; i++)
        {
            await harness.Client.CreateEventAsync(SampleEvents.ViewedProduct(), TestContext.Current.CancellationToken);
        }

        Assert.Equal(13, stub.Requests.Count);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("Klaviyo keeps failing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rate_limiting_and_client_errors_never_open_the_circuit()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/profiles", 400, ErrorBody(400, "invalid", "bad filter", parameter: "filter"));
        using var harness = new ClientHarness(stub, o =>
        {
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakDuration = TimeSpan.FromSeconds(30);
        });

        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));
        }

        Assert.Equal(6, stub.Requests.Count);
    }
}
