using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Klaviyo.Client.RateLimiting;
using Polly;

namespace Klaviyo.Client;

/// <summary>Registers <see cref="KlaviyoClient"/> as a typed HttpClient behind Klaviyo's retry and timeout rules.</summary>
public static class KlaviyoServiceCollectionExtensions
{
    public static IHttpClientBuilder AddKlaviyoClient(this IServiceCollection services, Action<KlaviyoClientOptions> configure)
    {
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<KlaviyoCredentials>();
        // Counted in a shared store (Redis) when the host registered one, in process otherwise.
        services.TryAddSingleton(sp => new KlaviyoRateLimiter(sp.GetRequiredService<TimeProvider>(), sp.GetService<ISharedRateLimitStore>()));
        services.AddTransient<RateLimitHandler>();
        services.AddTransient<ResponseBufferingHandler>();

        var builder = services.AddHttpClient<KlaviyoClient>(http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler("klaviyo", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<KlaviyoClientOptions>>().Value;
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KlaviyoClient).FullName!);
            pipeline.TimeProvider = time;

            // Outermost first: the whole call's budget, the circuit breaker, then retries, then each attempt's own timeout.
            pipeline.AddTimeout(options.TotalTimeout);
            // While Klaviyo keeps failing, fail fast instead of making every call wait out its retries; probe again after the break.
            // Outside the retries: it counts calls by how they finally ended, so a burst of 5xx that a retry recovered
            // from is a success, and it opens only when at least half of MinimumThroughput or more calls in 30 s failed
            // after their retries (5xx, timeout or broken connection).
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(KlaviyoRetryRules.IsOutage(args.Outcome)),
                OnOpened = args =>
                {
                    logger.LogWarning("Klaviyo keeps failing: calls fail fast for {Seconds} s, then one probe is let through", (int)args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            });

            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(
                        KlaviyoRetryRules.ShouldRetry(args.Outcome, args.Context.GetRequestMessage(), options, time)),
                    DelayGenerator = args => ValueTask.FromResult(
                        args.Outcome.Result is { } response ? RetryAfterHeader.Read(response, time) : null),
                    OnRetry = args =>
                    {
                        var request = args.Context.GetRequestMessage();
                        if (request is not null && KlaviyoRetryRules.IsOutage(args.Outcome))
                        {
                            request.Options.Set(KlaviyoRequestOptions.AmbiguousFailure, true);
                        }

                        logger.LogWarning(
                            "Retrying {Method} {Path} in {Delay} ms (retry {Attempt}): {Reason}",
                            request?.Method,
                            request?.RequestUri?.AbsolutePath,
                            (int)args.RetryDelay.TotalMilliseconds,
                            args.AttemptNumber + 1,
                            args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name);
                        return ValueTask.CompletedTask;
                    },
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });

        // Inner to the resilience handler: every retry attempt takes a rate-limit permit after its backoff.
        builder.AddHttpMessageHandler<RateLimitHandler>();

        // Innermost: each attempt reads the whole body, so a connection broken mid-body fails (and may retry) that attempt.
        builder.AddHttpMessageHandler<ResponseBufferingHandler>();

        // HttpClient's own request logs (Debug, Trace) never show a header's value: the key travels in one.
        builder.RedactLoggedHeaders(_ => true);
        return builder;
    }
}
