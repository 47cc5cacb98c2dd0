using Klaviyo.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.Tests;

public sealed class ServerSettingsTests
{
    [Fact]
    public void Defaults_need_only_a_key()
    {
        var settings = Read(new() { ["KLAVIYO_API_KEY"] = "pk_abc" });

        Assert.Equal("pk_abc", settings.ApiKey);
        Assert.Equal(new Uri("https://a.klaviyo.com"), settings.BaseUrl);
        Assert.Equal("2026-07-15", settings.Revision);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
        Assert.Equal(4, settings.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(40), settings.TotalTimeout);
        Assert.Null(settings.ApiKeyWarning());
    }

    [Fact]
    public void PRIVATE_API_KEY_is_accepted_and_KLAVIYO_API_KEY_wins()
    {
        Assert.Equal("pk_private", Read(new() { ["PRIVATE_API_KEY"] = "pk_private" }).ApiKey);
        Assert.Equal("pk_klaviyo", Read(new() { ["PRIVATE_API_KEY"] = "pk_private", ["KLAVIYO_API_KEY"] = "pk_klaviyo" }).ApiKey);
    }

    [Fact]
    public void Every_variable_is_read()
    {
        var settings = Read(new()
        {
            ["KLAVIYO_BASE_URL"] = "http://127.0.0.1:8080",
            ["KLAVIYO_REVISION"] = "2026-04-15",
            ["KLAVIYO_LOG_LEVEL"] = "debug",
            ["KLAVIYO_MAX_RETRIES"] = "0",
            ["KLAVIYO_MAX_RETRY_AFTER_SECONDS"] = "5",
            ["KLAVIYO_ATTEMPT_TIMEOUT_SECONDS"] = "2.5",
            ["KLAVIYO_TOTAL_TIMEOUT_SECONDS"] = "9",
        });

        Assert.Equal(new Uri("http://127.0.0.1:8080"), settings.BaseUrl);
        Assert.Equal("2026-04-15", settings.Revision);
        Assert.Equal(LogLevel.Debug, settings.LogLevel);
        Assert.Equal(0, settings.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(2.5), settings.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), settings.TotalTimeout);

        var options = new KlaviyoClientOptions();
        settings.ApplyTo(options);
        Assert.Equal(settings.BaseUrl, options.BaseUrl);
        Assert.Equal("2026-04-15", options.Revision);
        Assert.StartsWith("klaviyo-mcp/", options.UserAgent, StringComparison.Ordinal);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Unusable_values_are_all_named_at_once()
    {
        var failure = Assert.Throws<ServerConfigurationException>(() => Read(new()
        {
            ["KLAVIYO_BASE_URL"] = "a.klaviyo.com",
            ["KLAVIYO_REVISION"] = "latest",
            ["KLAVIYO_LOG_LEVEL"] = "loud",
            ["KLAVIYO_MAX_RETRIES"] = "eleven",
            ["KLAVIYO_TOTAL_TIMEOUT_SECONDS"] = "-1",
        }));

        Assert.Equal(5, failure.Problems.Count);
        foreach (var variable in new[] { "KLAVIYO_BASE_URL", "KLAVIYO_REVISION", "KLAVIYO_LOG_LEVEL", "KLAVIYO_MAX_RETRIES", "KLAVIYO_TOTAL_TIMEOUT_SECONDS" })
        {
            Assert.Contains(failure.Problems, p => p.StartsWith(variable + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Key_warnings_never_repeat_the_key()
    {
        Assert.Contains("No Klaviyo API key", Read([]).ApiKeyWarning());
        var warning = Read(new() { ["KLAVIYO_API_KEY"] = "sk_secret_value" }).ApiKeyWarning();
        Assert.Contains("does not look like a Klaviyo private API key", warning);
        Assert.DoesNotContain("sk_secret_value", warning);
    }

    private static ServerSettings Read(Dictionary<string, string?> variables) =>
        ServerSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
}
