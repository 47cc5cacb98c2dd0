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
    /// <summary>
    /// How long one replica may hold a grant's refresh lock: three times <see cref="KlaviyoTokenClient.RequestTimeout"/>,
    /// which bounds the refresh at Klaviyo, and as much again bounds saving its result (<see cref="StoreWriteLimit"/>),
    /// so the lock never lapses while its refresh runs.
    /// </summary>
    public static readonly TimeSpan RefreshLockLifetime = KlaviyoTokenClient.RequestTimeout * 3;

    /// <summary>How long saving refreshed tokens may take, all tries together.</summary>
    public static readonly TimeSpan StoreWriteLimit = KlaviyoTokenClient.RequestTimeout;

    /// <summary>How long a request waits for another one's refresh before it answers 503 (it never refreshes without the lock).</summary>
    public static readonly TimeSpan RefreshLockWait = KlaviyoTokenClient.RequestTimeout;

    private const int StoreWriteTries = 3;
    private const int GateCount = 64;
    private static readonly TimeSpan RefreshLockPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StoreRetryPause = TimeSpan.FromMilliseconds(200);

    /// <summary>One refresh per grant at a time in this process: a fixed set of gates, a grant's chosen by the hash of its id.</summary>
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, GateCount).Select(_ => new SemaphoreSlim(1, 1))];

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
        catch (KlaviyoRenewalUnavailableException ex)
        {
            logger.LogWarning("Could not renew the sign-in {Grant}: {Reason}", grant.Id, ex.Message);
            await UnavailableAsync(context, ex.Description);
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
        var renewal = context.RequestServices.GetRequiredService<KlaviyoSignInRenewal>();
        credentials.RefreshAccessToken = (refused, cancellationToken) => RefreshRefusedAsync(grant, refused, renewal, cancellationToken);
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
    /// server tokens are refused from then on. When it fails for a passing reason the sign-in stands and
    /// <paramref name="renewal"/> says so, for the call's error text.
    /// </summary>
    private async Task<string?> RefreshRefusedAsync(OAuthGrant grant, string refused, KlaviyoSignInRenewal renewal, CancellationToken cancellationToken)
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
        catch (Exception ex) when (ex is KlaviyoRenewalUnavailableException or OAuthStoreUnavailableException)
        {
            logger.LogWarning("Could not renew the sign-in {Grant}: {Reason}", grant.Id, ex.Message);
            renewal.FailedTransiently = true;
            return null;
        }
    }

    /// <summary>
    /// Refreshes the grant's Klaviyo tokens at Klaviyo if they still need it once this request holds the grant's lock
    /// (one request per process through the grant's gate, and one replica through the store's lock, at a time):
    /// another one may have refreshed them meanwhile, and Klaviyo's refresh token may be single use. A request that
    /// does not get the lock within <see cref="RefreshLockWait"/> never refreshes: it reads the grant again and takes
    /// what another refreshed, or fails with <see cref="KlaviyoRenewalUnavailableException"/>. Once the refresh is sent
    /// it and the saving of its result run to their end whatever the caller does (Klaviyo may have rotated the refresh
    /// token: losing the new one would end the sign-in), each within its own time limit. Null when the seal cannot be opened.
    /// </summary>
    private async Task<KlaviyoTokens?> RefreshOnceAsync(OAuthGrant grant, Func<KlaviyoTokens, bool> needsRefresh, CancellationToken cancellationToken)
    {
        var gate = _gates[(StringComparer.Ordinal.GetHashCode(grant.Id) & int.MaxValue) % GateCount];
        await gate.WaitAsync(cancellationToken);
        var owner = OAuthGrants.NewSecret();
        var lockName = "refresh:" + grant.Id;
        var locked = false;
        try
        {
            for (var waited = TimeSpan.Zero; !(locked = await store.TryLockAsync(lockName, owner, RefreshLockLifetime, cancellationToken)) && waited < RefreshLockWait; waited += RefreshLockPoll)
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

            if (!locked)
            {
                throw new KlaviyoRenewalUnavailableException(
                    $"another request held its refresh lock for over {RefreshLockWait.TotalSeconds:0} s",
                    "Your sign-in is being renewed by another request; retry in a few seconds.");
            }

            KlaviyoTokens fresh;
            try
            {
                // Not the caller's token: a refresh Klaviyo has answered must be kept. Bounded by RequestTimeout.
                fresh = await klaviyo.RefreshAsync(tokens.RefreshToken, CancellationToken.None);
            }
            catch (HttpRequestException ex)
            {
                throw Unreachable(ex.Message, ex);
            }
            catch (OperationCanceledException ex)
            {
                throw Unreachable($"no answer within {KlaviyoTokenClient.RequestTimeout.TotalSeconds:0} s", ex);
            }

            await SaveRefreshedAsync(grant, fresh);
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

    /// <summary>
    /// Keeps the tokens Klaviyo just gave, whatever the caller does, trying again when the store fails, within
    /// <see cref="StoreWriteLimit"/>. When it cannot, this request still uses them, and the next refresh may find the
    /// old refresh token refused.
    /// </summary>
    private async Task SaveRefreshedAsync(OAuthGrant grant, KlaviyoTokens fresh)
    {
        using var limit = new CancellationTokenSource(StoreWriteLimit, time);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grants.SetKlaviyoTokensAsync(grant, sealer.Seal(fresh.ToSealable(), grant.Id), limit.Token);
                return;
            }
            catch (Exception ex) when (ex is OAuthStoreUnavailableException or OperationCanceledException)
            {
                if (attempt >= StoreWriteTries || limit.IsCancellationRequested)
                {
                    logger.LogError("Could not keep the renewed Klaviyo tokens of the sign-in {Grant} after {Attempts} tries: {Reason}", grant.Id, attempt, ex.Message);
                    return;
                }

                logger.LogWarning("Could not keep the renewed Klaviyo tokens of the sign-in {Grant} (try {Attempt}): {Reason}; trying again", grant.Id, attempt, ex.Message);
                try
                {
                    await Task.Delay(StoreRetryPause, time, limit.Token);
                }
                catch (OperationCanceledException)
                {
                    // The limit ran out: the next try reports it.
                }
            }
        }
    }

    private static KlaviyoRenewalUnavailableException Unreachable(string reason, Exception inner) =>
        new("Klaviyo's token endpoint: " + reason, "Klaviyo could not be reached to renew your sign-in; retry in a few seconds.", inner);

    private Task UnavailableAsync(HttpContext context, string description)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return context.Response.WriteAsJsonAsync(new AuthenticationError("temporarily_unavailable", description), ServeJsonContext.Default.AuthenticationError);
    }

    private Task ChallengeAsync(HttpContext context, string error, string description) =>
        BearerChallenge.WriteAsync(context, settings, StatusCodes.Status401Unauthorized, error, description);
}
