using System.Collections.Concurrent;
using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// In front of <c>/mcp</c> with <c>KLAVIYO_HTTP_AUTH=klaviyo</c>: the bearer must be an access token of this server
/// (<see cref="OAuthGrants"/>; a <c>pk_</c> key or a team token is not one), else 401 pointing to the resource
/// metadata. The person's Klaviyo access token, opened from its seal, goes in the request's
/// <see cref="KlaviyoCredentials"/> (sent as <c>Authorization: Bearer</c>, with the rate limits of their account); an
/// expired one is first refreshed with Klaviyo's refresh token, once per grant at a time. When Klaviyo refuses that
/// refresh (<c>invalid_grant</c>) the grant is revoked at once: this request and every later one with its tokens is a
/// 401, and the person signs in again. A token Klaviyo answers 401 to before its expiry is refreshed the same way
/// (<see cref="KlaviyoCredentials.RefreshAccessToken"/>) and the request sent once more. The caller goes through the one access policy with the server's restrictions.
/// </summary>
internal sealed class KlaviyoSignInAuthentication(
    HttpServeSettings settings,
    OAuthGrants grants,
    IOAuthStore store,
    KlaviyoTokenClient klaviyo,
    TokenSealer sealer,
    TimeProvider time,
    ILogger<KlaviyoSignInAuthentication> logger)
{
    /// <summary>How long one replica may hold a grant's refresh lock (a refresh at Klaviyo takes far less), and how often a waiting one looks.</summary>
    private static readonly TimeSpan RefreshLockLifetime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RefreshLockPoll = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(BearerAuthentication.McpPath))
        {
            await next(context);
            return;
        }

        if (BearerAuthentication.Bearer(context.Request) is not { } bearer)
        {
            await ChallengeAsync(context, "invalid_request", "This server needs Authorization: Bearer <an access token of this server>: sign in with Klaviyo through your MCP client.");
            return;
        }

        OAuthGrant? grant;
        try
        {
            grant = await grants.AuthenticateAsync(bearer, context.RequestAborted);
        }
        catch (OAuthStoreUnavailableException ex)
        {
            logger.LogWarning("Could not check an access token: {Reason}", ex.Message);
            await UnavailableAsync(context, "The server cannot check sign-ins just now; retry in a few seconds.");
            return;
        }

        if (grant is null)
        {
            logger.LogInformation("Refused a request from {Remote}: its bearer is not a valid access token of this server", context.Connection.RemoteIpAddress);
            await ChallengeAsync(context, "invalid_token", "The access token is not valid (unknown, expired or revoked): sign in with Klaviyo again.");
            return;
        }

        KlaviyoTokens? tokens;
        try
        {
            tokens = await CurrentTokensAsync(grant, context.RequestAborted);
        }
        catch (KlaviyoGrantRevokedException)
        {
            await grants.RevokeAsync(grant, CancellationToken.None);
            logger.LogInformation("Klaviyo refused to refresh the sign-in {Grant} (invalid_grant): it is revoked", grant.Id);
            await ChallengeAsync(context, "invalid_token", "Klaviyo no longer accepts this sign-in (the app was removed or access revoked): sign in with Klaviyo again.");
            return;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Klaviyo did not refresh the sign-in {Grant}: {Reason}", grant.Id, ex.Message);
            await UnavailableAsync(context, "Klaviyo did not renew your sign-in just now; retry in a few seconds.");
            return;
        }
        catch (OAuthStoreUnavailableException ex)
        {
            logger.LogWarning("Could not renew the sign-in {Grant}: {Reason}", grant.Id, ex.Message);
            await UnavailableAsync(context, "The server cannot renew your sign-in just now; retry in a few seconds.");
            return;
        }

        if (tokens is null)
        {
            // Sealed with another key (the client secret changed): the sign-in cannot be used any more.
            await grants.RevokeAsync(grant, CancellationToken.None);
            await ChallengeAsync(context, "invalid_token", "This sign-in can no longer be read by the server: sign in with Klaviyo again.");
            return;
        }

        var credentials = context.RequestServices.GetRequiredService<KlaviyoCredentials>();
        credentials.AccessToken = tokens.AccessToken;
        credentials.Account = grant.Account;
        credentials.RefreshAccessToken = (refused, cancellationToken) => RefreshRefusedAsync(grant, refused, cancellationToken);
        context.RequestServices.GetRequiredService<RequestCaller>().Current =
            new Caller("your Klaviyo sign-in", "klaviyo:" + grant.Id, AccessRestrictions.None);
        await next(context);
    }

    /// <summary>The grant's Klaviyo tokens, refreshed first when the access token has expired; null when the seal cannot be opened.</summary>
    private async Task<KlaviyoTokens?> CurrentTokensAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        var tokens = KlaviyoTokens.FromSealable(sealer.Open(grant.SealedKlaviyoTokens, grant.Id));
        if (tokens is null || time.GetUtcNow() < tokens.Expires)
        {
            return tokens;
        }

        return await RefreshOnceAsync(grant, current => time.GetUtcNow() >= current.Expires, cancellationToken);
    }

    /// <summary>
    /// Klaviyo answered 401 to <paramref name="refused"/> before its expiry: the new access token after one refresh
    /// (a request that waited gets the one another just obtained), or null. When Klaviyo refuses the refresh
    /// (<c>invalid_grant</c>) the grant is revoked at once, as for an expired token: the call fails and the person's
    /// server tokens are refused from then on.
    /// </summary>
    private async Task<string?> RefreshRefusedAsync(OAuthGrant grant, string refused, CancellationToken cancellationToken)
    {
        try
        {
            var tokens = await RefreshOnceAsync(grant, current => current.AccessToken == refused, cancellationToken);
            if (tokens is not null && tokens.AccessToken != refused)
            {
                logger.LogInformation("Klaviyo refused the access token of the sign-in {Grant} before its expiry: renewed it", grant.Id);
            }

            return tokens?.AccessToken == refused ? null : tokens?.AccessToken;
        }
        catch (KlaviyoGrantRevokedException)
        {
            await grants.RevokeAsync(grant, CancellationToken.None);
            logger.LogInformation("Klaviyo refused to refresh the sign-in {Grant} (invalid_grant): it is revoked", grant.Id);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OAuthStoreUnavailableException)
        {
            logger.LogWarning("Could not renew the sign-in {Grant}: {Reason}", grant.Id, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Refreshes the grant's Klaviyo tokens at Klaviyo if they still need it once this request holds the grant's lock
    /// (one request per process, and one replica through the store's lock, at a time): another one may have refreshed
    /// them meanwhile, and Klaviyo's refresh token may be single use. Null when the seal cannot be opened.
    /// </summary>
    private async Task<KlaviyoTokens?> RefreshOnceAsync(OAuthGrant grant, Func<KlaviyoTokens, bool> needsRefresh, CancellationToken cancellationToken)
    {
        var gate = _refreshing.GetOrAdd(grant.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        var owner = OAuthGrants.NewSecret();
        var lockName = "refresh:" + grant.Id;
        var locked = false;
        try
        {
            for (var waited = TimeSpan.Zero; !(locked = await store.TryLockAsync(lockName, owner, RefreshLockLifetime, cancellationToken)) && waited < RefreshLockLifetime; waited += RefreshLockPoll)
            {
                await Task.Delay(RefreshLockPoll, time, cancellationToken);
            }

            // Read again: another request, here or on another replica, may have refreshed while this one waited.
            var current = await grants.FindAsync(grant.Id, cancellationToken) ?? grant;
            grant.SealedKlaviyoTokens = current.SealedKlaviyoTokens;
            var tokens = KlaviyoTokens.FromSealable(sealer.Open(current.SealedKlaviyoTokens, grant.Id));
            if (tokens is null || current.Revoked || !needsRefresh(tokens))
            {
                return tokens;
            }

            var fresh = await klaviyo.RefreshAsync(tokens.RefreshToken, cancellationToken);
            await grants.SetKlaviyoTokensAsync(grant, sealer.Seal(fresh.ToSealable(), grant.Id), cancellationToken);
            return fresh;
        }
        finally
        {
            if (locked)
            {
                await store.UnlockAsync(lockName, owner, CancellationToken.None);
            }

            gate.Release();
        }
    }

    private Task UnavailableAsync(HttpContext context, string description)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return context.Response.WriteAsJsonAsync(new AuthenticationError("temporarily_unavailable", description), ServeJsonContext.Default.AuthenticationError);
    }

    private Task ChallengeAsync(HttpContext context, string error, string description) =>
        BearerChallenge.WriteAsync(context, settings, StatusCodes.Status401Unauthorized, error, description);
}
