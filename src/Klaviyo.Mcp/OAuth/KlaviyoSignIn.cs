using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Klaviyo.Client;
using Klaviyo.Mcp.Access;
using Klaviyo.Mcp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// <c>KLAVIYO_HTTP_AUTH=klaviyo</c>: the authorization server MCP clients sign in through, itself a client of Klaviyo's
/// OAuth. Its endpoints (paths of <see cref="AuthorizationServerMetadata"/>): the RFC 8414 metadata, registration
/// (RFC 7591), authorize (the client and its redirect URI checked before anything is redirected, PKCE S256 required,
/// then the server's consent page: <see cref="ConsentPage"/>), consent (approved, the person is sent to Klaviyo with
/// the server's own client id, state and PKCE pair, the state bound to the browser by <see cref="SignInCookies"/>), Klaviyo's callback (the
/// code exchanged with the app's secret and the verifier, then the client gets a code of the server's own and its
/// state back), token (codes and rotating refresh tokens of <see cref="OAuthGrants"/>) and revocation (always 200, and
/// Klaviyo's grant revoked best effort). Klaviyo's tokens never leave the server, and are kept only sealed.
/// </summary>
internal sealed class KlaviyoSignIn(
    KlaviyoOAuthSettings settings,
    ServerSettings server,
    OAuthClients clients,
    OAuthGrants grants,
    IOAuthStore store,
    KlaviyoTokenClient klaviyo,
    TokenSealer sealer,
    TimeProvider time,
    ILogger<KlaviyoSignIn> logger)
{
    public const string CallbackPath = "/oauth/callback";

    /// <summary>How long a person may take at Klaviyo's consent page.</summary>
    public static readonly TimeSpan AuthorizationLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How many registrations (<c>POST /oauth/register</c>, anonymous) one remote address may make per <see cref="RegistrationWindow"/>.</summary>
    public const int RegistrationsPerWindow = 20;

    public static readonly TimeSpan RegistrationWindow = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> registrations = PartitionedRateLimiter.Create<string, string>(remote =>
        RateLimitPartition.GetFixedWindowLimiter(remote, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = RegistrationsPerWindow,
            Window = RegistrationWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private readonly SignInCookies cookies = new(settings.Issuer.StartsWith("https://", StringComparison.Ordinal));

    /// <summary>The resource (RFC 8707) the server's tokens are for: <c>&lt;public&gt;/mcp</c>.</summary>
    public string Resource => settings.Issuer + BearerAuthentication.McpPath;

    public void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app)
    {
        app.MapGet(AuthorizationServerMetadata.Path, (RequestDelegate)(context =>
            context.Response.WriteAsJsonAsync(AuthorizationServerMetadata.For(settings.Issuer), OAuthJsonContext.Default.AuthorizationServerMetadata)));
        app.MapPost(AuthorizationServerMetadata.RegisterPath, Guarded(RegisterAsync));
        app.MapGet(AuthorizationServerMetadata.AuthorizePath, Guarded(AuthorizeAsync));
        app.MapPost(ConsentPage.Path, Guarded(ConsentAsync));
        app.MapGet(CallbackPath, Guarded(CallbackAsync));
        app.MapPost(AuthorizationServerMetadata.TokenPath, Guarded(TokenAsync));
        app.MapPost(AuthorizationServerMetadata.RevokePath, Guarded(RevokeAsync));
    }

    /// <summary><paramref name="endpoint"/>, answering 503 (to be retried) while the store of sign-ins (Redis) cannot be reached.</summary>
    private RequestDelegate Guarded(RequestDelegate endpoint) => async context =>
    {
        try
        {
            await endpoint(context);
        }
        catch (OAuthStoreUnavailableException ex) when (!context.Response.HasStarted)
        {
            logger.LogWarning("{Path}: {Reason}", context.Request.Path, ex.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new OAuthError("temporarily_unavailable", "The server cannot reach where sign-ins are kept just now; retry in a few seconds."), OAuthJsonContext.Default.OAuthError);
        }
    };

    private async Task RegisterAsync(HttpContext context)
    {
        using var permit = registrations.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "");
        if (!permit.IsAcquired)
        {
            var retryAfter = permit.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : RegistrationWindow;
            logger.LogWarning("Refused a registration from {Remote}: more than {Limit} in {Window}", context.Connection.RemoteIpAddress, RegistrationsPerWindow, RegistrationWindow);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(
                new OAuthError("temporarily_unavailable", $"Too many registrations from this address (at most {RegistrationsPerWindow} a minute); retry later."),
                OAuthJsonContext.Default.OAuthError);
            return;
        }

        ClientMetadataDocument? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, OAuthJsonContext.Default.ClientMetadataDocument, context.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            await ErrorAsync(context, "invalid_client_metadata", "The body must be a JSON client metadata document (RFC 7591).");
            return;
        }

        var (client, error, description) = await clients.RegisterAsync(request, context.RequestAborted);
        if (client is null)
        {
            await ErrorAsync(context, error!, description!);
            return;
        }

        logger.LogInformation("Registered the client {ClientId} ({ClientName})", client.ClientId, client.ClientName);
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(
            new ClientMetadataDocument
            {
                ClientId = client.ClientId,
                ClientName = client.ClientName,
                RedirectUris = [.. client.RedirectUris],
                TokenEndpointAuthMethod = "none",
                GrantTypes = ["authorization_code", "refresh_token"],
                ResponseTypes = ["code"],
            },
            OAuthJsonContext.Default.ClientMetadataDocument);
    }

    private async Task AuthorizeAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var (client, refusal) = await clients.FindAsync(query["client_id"], context.RequestAborted);
        if (client is null)
        {
            // Never redirect for a client that is not known: the redirect URI could be anyone's.
            await PageAsync(context, StatusCodes.Status400BadRequest, "This application is not known to this server: " + refusal + ".");
            return;
        }

        string? redirectUri = query["redirect_uri"];
        if (redirectUri is null && client.RedirectUris.Count == 1)
        {
            redirectUri = client.RedirectUris[0];
        }

        if (!client.Allows(redirectUri))
        {
            await PageAsync(context, StatusCodes.Status400BadRequest, "redirect_uri is not one this application registered.");
            return;
        }

        string? state = query["state"];
        if (query["response_type"] != "code")
        {
            Redirect(context, redirectUri!, state, ("error", "unsupported_response_type"), ("error_description", "response_type must be code"));
            return;
        }

        string? challenge = query["code_challenge"];
        if (!Pkce.IsAcceptedChallenge(challenge, query["code_challenge_method"]))
        {
            Redirect(context, redirectUri!, state, ("error", "invalid_request"), ("error_description", "PKCE is required: code_challenge with code_challenge_method=S256"));
            return;
        }

        var resource = (string?)query["resource"] ?? Resource;
        if (resource != Resource)
        {
            Redirect(context, redirectUri!, state, ("error", "invalid_target"), ("error_description", "resource must be " + Resource));
            return;
        }

        // The person approves this application here first; the form's ticket opens only with this browser's nonce.
        var nonce = OAuthGrants.NewSecret();
        var consentId = OAuthGrants.NewSecret()[..16];
        var ticket = new ConsentTicket(client.ClientId, redirectUri!, state, challenge!, resource, time.GetUtcNow() + SignInCookies.Lifetime);
        cookies.Set(context.Response, cookies.ConsentName(consentId), nonce);
        await ConsentPage.WriteAsync(
            context,
            settings.Issuer,
            client,
            redirectUri!,
            KlaviyoScopes.For(server.Access),
            consentId,
            sealer.Seal(JsonSerializer.Serialize(ticket, OAuthJsonContext.Default.ConsentTicket), ConsentAssociatedData(nonce)));
    }

    /// <summary>
    /// The consent form's answer: approved, the person goes on to Klaviyo (and only now is the state stored and its
    /// cookie set); denied, the application hears <c>access_denied</c> with its state. A ticket that does not open with
    /// this browser's consent cookie, or that is too old, is refused on a page, never redirected.
    /// </summary>
    private async Task ConsentAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        var consentId = form[ConsentPage.ConsentIdField].ToString();
        var ticket = consentId.Length is > 0 and <= 64 && consentId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            && context.Request.Cookies[cookies.ConsentName(consentId)] is { Length: > 0 } nonce
            && form[ConsentPage.TicketField].ToString() is { Length: > 0 } sealedTicket
            && sealer.Open(sealedTicket, ConsentAssociatedData(nonce)) is { } json
                ? JsonSerializer.Deserialize(json, OAuthJsonContext.Default.ConsentTicket)
                : null;
        if (ticket is null || time.GetUtcNow() >= ticket.Expires)
        {
            await PageAsync(context, StatusCodes.Status400BadRequest, "This approval is unknown, was not given in this browser, or took too long: start again from your application.");
            return;
        }

        cookies.Delete(context.Response, cookies.ConsentName(consentId));
        var (client, _) = await clients.FindAsync(ticket.ClientId, context.RequestAborted);
        if (client is null || !client.Allows(ticket.RedirectUri))
        {
            await PageAsync(context, StatusCodes.Status400BadRequest, "This application is no longer known to this server.");
            return;
        }

        if (form[ConsentPage.DecisionField] == ConsentPage.Deny)
        {
            logger.LogInformation("A person denied the client {ClientId} on the consent page", ticket.ClientId);
            Redirect(context, ticket.RedirectUri, ticket.ClientState, ("error", "access_denied"), ("error_description", "The person did not allow this application."));
            return;
        }

        var verifier = Pkce.NewVerifier();
        var ownState = OAuthGrants.NewSecret();
        var stateHash = OAuthGrants.Hash(ownState);
        await store.SavePendingAsync(
            stateHash,
            new PendingAuthorization(ticket.ClientId, ticket.RedirectUri, ticket.ClientState, ticket.CodeChallenge, ticket.Resource, sealer.Seal(verifier, stateHash), time.GetUtcNow() + AuthorizationLifetime),
            context.RequestAborted);
        cookies.Set(context.Response, cookies.StateName(ownState), ownState);
        context.Response.Redirect(KlaviyoAuthorizationRequest.Url(settings, ownState, Pkce.Challenge(verifier), KlaviyoScopes.For(server.Access)).AbsoluteUri);
    }

    private static string ConsentAssociatedData(string nonce) => "consent " + nonce;

    private async Task CallbackAsync(HttpContext context)
    {
        var query = context.Request.Query;
        // The state must come back to the browser that approved it: its cookie holds the same value.
        if (query["state"].ToString() is not { Length: > 0 } ownState
            || context.Request.Cookies[cookies.StateName(ownState)] != ownState
            || await store.TakePendingAsync(OAuthGrants.Hash(ownState), context.RequestAborted) is not { } pending
            || time.GetUtcNow() >= pending.Expires
            || sealer.Open(pending.SealedKlaviyoVerifier, OAuthGrants.Hash(ownState)) is not { } klaviyoVerifier)
        {
            await PageAsync(context, StatusCodes.Status400BadRequest, "This sign-in is unknown, was started in another browser, or took too long: start again from your application.");
            return;
        }

        cookies.Delete(context.Response, cookies.StateName(ownState));
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            // The person denied consent (access_denied) or Klaviyo refused: the client hears it with its state.
            Redirect(context, pending.RedirectUri, pending.ClientState, ("error", error == "access_denied" ? error : "access_denied"), ("error_description", "The sign-in at Klaviyo was not completed."));
            return;
        }

        KlaviyoTokens tokens;
        try
        {
            tokens = await klaviyo.ExchangeAsync(query["code"].ToString(), klaviyoVerifier, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Klaviyo did not exchange the sign-in code of the client {ClientId}: {Reason}", pending.ClientId, ex.Message);
            Redirect(context, pending.RedirectUri, pending.ClientState, ("error", "server_error"), ("error_description", "Klaviyo did not complete the sign-in; try again."));
            return;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The token client's own time limit (KlaviyoTokenClient.RequestTimeout), not the person leaving.
            logger.LogWarning("Klaviyo did not exchange the sign-in code of the client {ClientId} within {Timeout}", pending.ClientId, KlaviyoTokenClient.RequestTimeout);
            Redirect(context, pending.RedirectUri, pending.ClientState, ("error", "temporarily_unavailable"), ("error_description", "Klaviyo did not answer in time; try again."));
            return;
        }

        var grantId = OAuthGrants.NewSecret();
        var grant = new OAuthGrant(grantId, pending.ClientId, pending.Resource, tokens.Scope, sealer.Seal(tokens.ToSealable(), grantId))
        {
            Account = await AccountAsync(context, tokens.AccessToken, grantId),
        };
        var code = await grants.IssueCodeAsync(grant, pending.RedirectUri, pending.CodeChallenge, context.RequestAborted);
        logger.LogInformation("Signed a person in with Klaviyo for the client {ClientId}", pending.ClientId);
        Redirect(context, pending.RedirectUri, pending.ClientState, ("code", code));
    }

    /// <summary>
    /// What rate limits count by for this person: the fingerprint of their Klaviyo account's id (read with the new
    /// token, <c>accounts:read</c> is always granted), so that everyone signed in to one account shares its limits as
    /// Klaviyo counts them; when the account cannot be read, the grant's own (limits per person, never shared wrongly).
    /// </summary>
    private async Task<string> AccountAsync(HttpContext context, string accessToken, string grantId)
    {
        var credentials = context.RequestServices.GetRequiredService<KlaviyoCredentials>();
        credentials.AccessToken = accessToken;
        credentials.Account = ApiKeyFingerprint.Of("grant:" + grantId);
        try
        {
            var accounts = await context.RequestServices.GetRequiredService<KlaviyoClient>().GetAccountsAsync(context.RequestAborted);
            var data = accounts.Data;
            var account = data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 ? data[0] : data;
            if (account.ValueKind == JsonValueKind.Object && account.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } accountId)
            {
                return ApiKeyFingerprint.Of("account:" + accountId);
            }
        }
        catch (KlaviyoException ex)
        {
            logger.LogWarning("Could not read the signed-in person's Klaviyo account ({Error}); their rate limits count on their own", ex.GetType().Name);
        }
        finally
        {
            credentials.AccessToken = null;
        }

        return credentials.Account;
    }

    private async Task TokenAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await ErrorAsync(context, "invalid_request", "The body must be application/x-www-form-urlencoded.");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? resource = form["resource"];
        var result = (string?)form["grant_type"] switch
        {
            "authorization_code" => await grants.RedeemAsync(form["code"], form["client_id"], form["redirect_uri"], form["code_verifier"], resource, context.RequestAborted),
            "refresh_token" => await grants.RefreshAsync(form["refresh_token"], form["client_id"], resource, context.RequestAborted),
            _ => OAuthTokenResult.Fail("unsupported_grant_type", "grant_type must be authorization_code or refresh_token."),
        };
        context.Response.Headers.CacheControl = "no-store";
        if (!result.Succeeded)
        {
            await ErrorAsync(context, result.Error!, result.ErrorDescription ?? result.Error!);
            return;
        }

        await context.Response.WriteAsJsonAsync(
            new OAuthTokenResponse(result.AccessToken!, "Bearer", result.ExpiresIn, result.RefreshToken, result.Scope),
            OAuthJsonContext.Default.OAuthTokenResponse);
    }

    private async Task RevokeAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType && (await context.Request.ReadFormAsync(context.RequestAborted))["token"].ToString() is { Length: > 0 } token
            && await grants.RevokeTokenAsync(token, context.RequestAborted) is { } grant)
        {
            logger.LogInformation("Revoked a sign-in of the client {ClientId}", grant.ClientId);
            if (KlaviyoTokens.FromSealable(sealer.Open(grant.SealedKlaviyoTokens, grant.Id)) is { } tokens)
            {
                // Best effort: whether Klaviyo took it changes nothing in the answer.
                await klaviyo.RevokeAsync(tokens.RefreshToken, context.RequestAborted);
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private void Redirect(HttpContext context, string redirectUri, string? state, params (string Name, string Value)[] parameters)
    {
        var all = parameters.Concat(state is null ? [] : [("state", state)]).Append(("iss", settings.Issuer));
        var query = string.Join('&', all.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
        context.Response.Redirect(redirectUri + (redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
    }

    private static Task ErrorAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(new OAuthError(error, description), OAuthJsonContext.Default.OAuthError);
    }

    private static Task PageAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Sign in with Klaviyo: " + message + "\n");
    }
}
