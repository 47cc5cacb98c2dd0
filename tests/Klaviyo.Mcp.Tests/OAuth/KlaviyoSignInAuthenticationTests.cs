using System.Net;
using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Http;
using Klaviyo.Mcp.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// The renewal of a person's Klaviyo token in front of <c>/mcp</c>, against a fake token endpoint and a fake clock:
/// never without the grant's lock, kept even when the caller leaves mid-way, and a passing failure (Klaviyo slow or
/// unreachable) is a 503 or a "retry" text, never a revocation.
/// </summary>
public sealed class KlaviyoSignInAuthenticationTests
{
    private const string Secret = "kl-secret-1a2b3c4d";
    private const string Resource = "https://mcp.example.test/mcp";
    private const string Redirect = "http://127.0.0.1:5555/callback";
    private const string FreshAnswer = """{"access_token":"kl-access-new","token_type":"Bearer","expires_in":3600,"refresh_token":"kl-refresh-new","scope":"accounts:read"}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOAuthStore _store;
    private readonly OAuthGrants _grants;
    private readonly TokenSealer _sealer = new("app-1", Secret);
    private readonly List<string> _refreshes = [];
    private Func<CancellationToken, Task<HttpResponseMessage>> _tokenEndpoint = _ => Task.FromResult(Json(HttpStatusCode.OK, FreshAnswer));

    public KlaviyoSignInAuthenticationTests()
    {
        _store = new InMemoryOAuthStore(_time);
        _grants = new OAuthGrants(_store, _time, TimeSpan.FromHours(1));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_that_never_gets_the_refresh_lock_never_refreshes_and_takes_what_another_replica_refreshed()
    {
        var (grantId, access) = await SignInAsync(expired: true);
        Assert.True(await _store.TryLockAsync("refresh:" + grantId, "another replica", KlaviyoSignInAuthentication.RefreshLockLifetime, Cancel));

        var (waited, _, _) = await InvokeWhileTimePassesAsync(access);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, waited.Response.StatusCode);
        Assert.Equal("5", waited.Response.Headers.RetryAfter.ToString());
        Assert.Empty(_refreshes);
        Assert.False((await _grants.FindAsync(grantId, Cancel))!.Revoked);

        // The other replica refreshes while this one waits: it takes those tokens, still without refreshing itself.
        var other = new KlaviyoTokens("kl-access-other", "kl-refresh-other", _time.GetUtcNow().AddHours(1), "accounts:read");
        var task = InvokeAsync(access, out var context, out var next, Cancel);
        await _store.SetKlaviyoTokensAsync(grantId, _sealer.Seal(other.ToSealable(), grantId), Cancel);
        await PassTimeUntilAsync(task);

        Assert.True(next.Called);
        Assert.Equal("kl-access-other", context.RequestServices.GetRequiredService<KlaviyoCredentials>().AccessToken);
        Assert.Empty(_refreshes);
    }

    [Fact]
    public async Task Tokens_Klaviyo_rotated_are_kept_even_when_the_caller_disconnects_during_the_refresh()
    {
        var (grantId, access) = await SignInAsync(expired: true);
        using var caller = new CancellationTokenSource();
        _tokenEndpoint = async cancellationToken =>
        {
            // Klaviyo has rotated the refresh token; the caller leaves while its answer is on the way.
            caller.Cancel();
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            return Json(HttpStatusCode.OK, FreshAnswer);
        };

        try
        {
            await InvokeAsync(access, out _, out _, caller.Token);
        }
        catch (OperationCanceledException)
        {
            // The caller left: what it sees does not matter, what is kept does.
        }

        var kept = KlaviyoTokens.FromSealable(_sealer.Open((await _grants.FindAsync(grantId, Cancel))!.SealedKlaviyoTokens, grantId))!;
        Assert.Equal("kl-refresh-new", kept.RefreshToken);
        Assert.Equal("kl-access-new", kept.AccessToken);
        Assert.Single(_refreshes);
    }

    [Fact]
    public async Task The_token_clients_own_timeout_is_a_503_to_retry_and_the_sign_in_stands()
    {
        var (grantId, access) = await SignInAsync(expired: true);
        _tokenEndpoint = _ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 10 seconds elapsing.", new TimeoutException());

        await InvokeAsync(access, out var timedOut, out var next, Cancel);

        Assert.False(next.Called);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, timedOut.Response.StatusCode);
        Assert.False((await _grants.FindAsync(grantId, Cancel))!.Revoked);

        _tokenEndpoint = _ => Task.FromResult(Json(HttpStatusCode.OK, FreshAnswer));
        await InvokeAsync(access, out var retried, out var retriedNext, Cancel);
        Assert.True(retriedNext.Called);
        Assert.Equal("kl-access-new", retried.RequestServices.GetRequiredService<KlaviyoCredentials>().AccessToken);
    }

    [Fact]
    public async Task A_Klaviyo_401_whose_renewal_fails_for_a_passing_reason_says_retry_and_only_invalid_grant_says_sign_in_again()
    {
        var (grantId, access) = await SignInAsync(expired: false);
        await InvokeAsync(access, out var context, out var next, Cancel);
        Assert.True(next.Called);
        var credentials = context.RequestServices.GetRequiredService<KlaviyoCredentials>();
        var renewal = context.RequestServices.GetRequiredService<KlaviyoSignInRenewal>();

        _tokenEndpoint = _ => throw new HttpRequestException("Connection refused");
        Assert.Null(await credentials.RefreshAccessToken!("kl-access-old", Cancel));
        Assert.True(renewal.FailedTransiently);
        Assert.False((await _grants.FindAsync(grantId, Cancel))!.Revoked);

        var refused = new KlaviyoApiException(HttpStatusCode.Unauthorized, [], retryAfter: null);
        var transient = ToolErrorMessages.Describe(refused, "get_account", signedIn: true, renewalUnavailable: renewal.FailedTransiently);
        Assert.Contains("could not be reached", transient, StringComparison.Ordinal);
        Assert.Contains("retry", transient, StringComparison.Ordinal);
        Assert.DoesNotContain("sign in with Klaviyo again", transient, StringComparison.Ordinal);

        await InvokeAsync(access, out var revokedContext, out _, Cancel);
        var revokedRenewal = revokedContext.RequestServices.GetRequiredService<KlaviyoSignInRenewal>();
        _tokenEndpoint = _ => Task.FromResult(Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant"}"""));
        Assert.Null(await revokedContext.RequestServices.GetRequiredService<KlaviyoCredentials>().RefreshAccessToken!("kl-access-old", Cancel));
        Assert.False(revokedRenewal.FailedTransiently);
        Assert.True((await _grants.FindAsync(grantId, Cancel))!.Revoked);
        Assert.Contains("sign in with Klaviyo again", ToolErrorMessages.Describe(refused, "get_account", signedIn: true, renewalUnavailable: revokedRenewal.FailedTransiently), StringComparison.Ordinal);
    }

    private async Task<(string GrantId, string Access)> SignInAsync(bool expired)
    {
        var grantId = "g-" + Guid.NewGuid().ToString("N");
        var tokens = new KlaviyoTokens("kl-access-old", "kl-refresh-old", _time.GetUtcNow().AddSeconds(expired ? -1 : 3600), "accounts:read");
        var verifier = Pkce.NewVerifier();
        var code = await _grants.IssueCodeAsync(new OAuthGrant(grantId, "client-1", Resource, "accounts:read", _sealer.Seal(tokens.ToSealable(), grantId)), Redirect, Pkce.Challenge(verifier), Cancel);
        var redeemed = await _grants.RedeemAsync(code, "client-1", Redirect, verifier, Resource, Cancel);
        Assert.True(redeemed.Succeeded, redeemed.ErrorDescription);
        return (grantId, redeemed.AccessToken!);
    }

    private KlaviyoSignInAuthentication Authentication()
    {
        var settings = KlaviyoOAuthSettings.Read(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [KlaviyoOAuthSettings.ClientIdVariable] = "app-1",
                [KlaviyoOAuthSettings.ClientSecretVariable] = Secret,
                [KlaviyoOAuthSettings.TokenUrlVariable] = "https://kl.example.test/oauth/token",
            }).Build(),
            new Uri("https://mcp.example.test"),
            [])!;
        var http = new HttpClient(new TokenEndpoint(this));
        return new KlaviyoSignInAuthentication(
            new HttpServeSettings { PublicUrl = new Uri("https://mcp.example.test"), KlaviyoOAuth = settings },
            _grants,
            _store,
            new KlaviyoTokenClient(http, settings, _time),
            _sealer,
            _time,
            NullLogger<KlaviyoSignInAuthentication>.Instance);
    }

    private KlaviyoSignInAuthentication? _authentication;

    private Task InvokeAsync(string access, out HttpContext context, out NextCall next, CancellationToken aborted)
    {
        _authentication ??= Authentication();
        var services = new ServiceCollection().AddScoped<KlaviyoCredentials>().AddScoped<RequestCaller>().AddScoped<KlaviyoSignInRenewal>().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services.CreateScope().ServiceProvider, RequestAborted = aborted };
        http.Request.Path = BearerAuthentication.McpPath;
        http.Request.Headers.Authorization = "Bearer " + access;
        http.Response.Body = new MemoryStream();
        var called = new NextCall();
        context = http;
        next = called;
        return _authentication.InvokeAsync(http, _ =>
        {
            called.Called = true;
            return Task.CompletedTask;
        });
    }

    private async Task<(HttpContext Context, NextCall Next, Task Call)> InvokeWhileTimePassesAsync(string access)
    {
        var task = InvokeAsync(access, out var context, out var next, Cancel);
        await PassTimeUntilAsync(task);
        return (context, next, task);
    }

    /// <summary>Moves the fake clock on in the lock's poll steps until <paramref name="task"/> ends (far beyond the lock's wait otherwise).</summary>
    private async Task PassTimeUntilAsync(Task task)
    {
        for (var steps = 0; !task.IsCompleted && steps < 10_000; steps++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1, Cancel);
        }

        await task;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

    private sealed class NextCall
    {
        public bool Called { get; set; }
    }

    private sealed class TokenEndpoint(KlaviyoSignInAuthenticationTests test) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            test._refreshes.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            return await test._tokenEndpoint(cancellationToken);
        }
    }
}
