using Klaviyo.Client.RateLimiting;
using Klaviyo.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Klaviyo.Client.Tests;

/// <summary>A host that serves several accounts: the request's own key, and rate-limit buckets per account.</summary>
public sealed class AccountRateLimitTests
{
    [Fact]
    public async Task Each_account_has_its_own_buckets_in_process()
    {
        using var limiter = new KlaviyoRateLimiter((_, _, _) => [("GET /api/accounts", new RateLimit(1, 15))]);

        await limiter.AcquireAsync(Request(ApiKeyFingerprint.Of("pk_account_a_0000000000")), TimeSpan.Zero, TestContext.Current.CancellationToken);
        await limiter.AcquireAsync(Request(ApiKeyFingerprint.Of("pk_account_b_0000000000")), TimeSpan.Zero, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<KlaviyoRateLimitedException>(() =>
            limiter.AcquireAsync(Request(ApiKeyFingerprint.Of("pk_account_a_0000000000")), TimeSpan.Zero, TestContext.Current.CancellationToken).AsTask());
        Assert.DoesNotContain("pk_account_a", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requests_own_key_is_sent_instead_of_the_configured_one_and_names_its_account()
    {
        using var stub = new KlaviyoStub().Answer("GET", "/api/accounts", 200, """{"data":[]}""");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKlaviyoClient(o =>
        {
            o.BaseUrl = stub.Url;
            o.ApiKey = KlaviyoStub.ApiKey;
        });
        await using var provider = services.BuildServiceProvider();

        await using (var scope = provider.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<KlaviyoCredentials>().ApiKey = "pk_someone_elses_key_0000000000";
            await scope.ServiceProvider.GetRequiredService<KlaviyoClient>().GetAccountsAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KlaviyoClient>().GetAccountsAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(
            ["Klaviyo-API-Key pk_someone_elses_key_0000000000", "Klaviyo-API-Key " + KlaviyoStub.ApiKey],
            stub.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public void A_fingerprint_is_16_hex_digits_of_the_keys_SHA_256()
    {
        Assert.Matches("^[0-9a-f]{16}$", ApiKeyFingerprint.Of(KlaviyoStub.ApiKey));
        Assert.NotEqual(ApiKeyFingerprint.Of("pk_a"), ApiKeyFingerprint.Of("pk_b"));
        Assert.Equal(ApiKeyFingerprint.Of("pk_a"), ApiKeyFingerprint.Of("pk_a"));
    }

    private static HttpRequestMessage Request(string account)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "https://a.klaviyo.com/api/accounts");
        request.Options.Set(KlaviyoRequestOptions.Account, account);
        return request;
    }
}
