using Klaviyo.Testing;
using static Klaviyo.Testing.KlaviyoStub;

namespace Klaviyo.Client.Tests;

public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task While_Klaviyo_keeps_failing_calls_fail_fast_then_a_probe_goes_through()
    {
        using var stub = new KlaviyoStub().AnswerInSequence("GET", "/api/profiles",
            r => Response(503), r => Response(503), r => Response(503), r => Response(503),
            r => Response(200, """{"data":[],"links":{"self":"x"}}"""));
        using var harness = new ClientHarness(stub, o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakDuration = TimeSpan.FromSeconds(1);
        });

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<KlaviyoApiException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));
        }

        var paused = await Assert.ThrowsAsync<KlaviyoTransportException>(() => harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken));
        Assert.Contains("calls are paused for a few seconds to let it recover; nothing was sent", paused.Message);
        Assert.Equal(4, stub.Requests.Count);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("Klaviyo keeps failing", StringComparison.Ordinal));

        await Task.Delay(TimeSpan.FromMilliseconds(1200), TestContext.Current.CancellationToken);
        var recovered = await harness.Client.GetProfilesAsync(new KlaviyoQuery(), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, recovered.Status);
        Assert.Equal(5, stub.Requests.Count);
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
