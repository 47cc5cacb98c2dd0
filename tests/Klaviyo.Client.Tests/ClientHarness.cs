using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Client.Tests;

/// <summary>A <see cref="KlaviyoClient"/> wired as in production (typed HttpClient plus resilience), pointed at a stub.</summary>
internal sealed class ClientHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public ClientHarness(KlaviyoStub stub, Action<KlaviyoClientOptions>? configure = null, TimeProvider? time = null)
        : this(stub.Url, configure, time)
    {
    }

    public ClientHarness(Uri baseUrl, Action<KlaviyoClientOptions>? configure = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddKlaviyoClient(options =>
        {
            options.BaseUrl = baseUrl;
            options.ApiKey = KlaviyoStub.ApiKey;
            options.UserAgent = "klaviyo-mcp-tests/1.0";
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(options);
        });
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<KlaviyoClient>();
    }

    public KlaviyoClient Client { get; }

    /// <summary>The credentials the client reads (the root scope's: this harness serves one caller).</summary>
    public KlaviyoCredentials Credentials => _services.GetRequiredService<KlaviyoCredentials>();

    public CapturedLogs Logs { get; } = new();

    public void Dispose() => _services.Dispose();
}
