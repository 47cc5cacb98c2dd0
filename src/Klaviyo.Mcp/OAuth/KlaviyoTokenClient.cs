using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The server as a client of Klaviyo's OAuth: exchanges a code (with the PKCE verifier and the callback as
/// <c>redirect_uri</c>) and refreshes, both at <c>KLAVIYO_OAUTH_TOKEN_URL</c> with the app's id and secret by HTTP
/// Basic; revokes at <c>KLAVIYO_OAUTH_REVOKE_URL</c>, best effort. A refresh Klaviyo refuses with <c>invalid_grant</c>
/// (the app was removed, or the grant revoked) is <see cref="KlaviyoGrantRevokedException"/>, so that the caller
/// revokes the person's grant at once; any other failure is <see cref="HttpRequestException"/>. No token is ever
/// part of an exception message.
/// </summary>
public sealed class KlaviyoTokenClient(HttpClient http, KlaviyoOAuthSettings settings, TimeProvider time)
{
    /// <summary>
    /// The time limit of every request to Klaviyo's token and revoke endpoints (the <see cref="HttpClient.Timeout"/> of
    /// this client; a request over it is a <see cref="TaskCanceledException"/>, a passing failure). Well under
    /// <see cref="KlaviyoSignInAuthentication.RefreshLockLifetime"/>, so that a refresh never outlives the lock that
    /// makes it the only one of its grant across replicas.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public Task<KlaviyoTokens> ExchangeAsync(string code, string codeVerifier, CancellationToken cancellationToken) =>
        RequestAsync(
            [("grant_type", "authorization_code"), ("code", code), ("code_verifier", codeVerifier), ("redirect_uri", settings.CallbackUrl)],
            previousRefreshToken: null,
            cancellationToken);

    public Task<KlaviyoTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        RequestAsync([("grant_type", "refresh_token"), ("refresh_token", refreshToken)], refreshToken, cancellationToken);

    /// <summary>Revokes <paramref name="refreshToken"/> at Klaviyo; whether it worked changes nothing for the caller (false: it did not).</summary>
    public async Task<bool> RevokeAsync(string refreshToken, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request(settings.RevokeUrl, [("token", refreshToken), ("token_type_hint", "refresh_token")]);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<KlaviyoTokens> RequestAsync((string, string)[] form, string? previousRefreshToken, CancellationToken cancellationToken)
    {
        using var request = Request(settings.TokenUrl, form);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        KlaviyoTokenResponse? answer;
        try
        {
            answer = body.Length == 0 ? null : JsonSerializer.Deserialize(body, OAuthJsonContext.Default.KlaviyoTokenResponse);
        }
        catch (JsonException)
        {
            answer = null;
        }

        if (!response.IsSuccessStatusCode)
        {
            if (answer?.Error == "invalid_grant" && previousRefreshToken is not null)
            {
                throw new KlaviyoGrantRevokedException();
            }

            throw new HttpRequestException($"Klaviyo's token endpoint answered {(int)response.StatusCode} {answer?.Error}".TrimEnd(), null, response.StatusCode);
        }

        if (answer?.AccessToken is not { Length: > 0 } access || answer.ExpiresIn is not { } expiresIn)
        {
            throw new HttpRequestException("Klaviyo's token endpoint answered without an access token or its lifetime.");
        }

        // Klaviyo may keep the refresh token when it refreshes: then the one just used stays.
        var refresh = answer.RefreshToken is { Length: > 0 } r ? r : previousRefreshToken
            ?? throw new HttpRequestException("Klaviyo's token endpoint answered without a refresh token.");
        return new KlaviyoTokens(access, refresh, time.GetUtcNow().AddSeconds(expiresIn), answer.Scope ?? "");
    }

    private HttpRequestMessage Request(Uri url, (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(settings.ClientId) + ":" + Uri.EscapeDataString(settings.ClientSecret))));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
