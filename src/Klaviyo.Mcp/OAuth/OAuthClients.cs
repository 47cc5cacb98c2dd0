using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The clients of the authorization server, in the MCP spec's two ways: dynamic client registration (RFC 7591:
/// public clients, redirect URIs by <see cref="RedirectUris"/>), and Client ID Metadata Documents (the client id is an
/// https URL whose JSON names that same <c>client_id</c> and the redirect URIs; fetched without cookies or redirects,
/// at most <see cref="MaxDocumentBytes"/> within <see cref="FetchTimeout"/>; an http loopback URL only when the
/// operator allows loopback clients, for tests; any other id URL is refused without being fetched). A document is
/// fetched only from a public address (<see cref="PublicAddressConnector"/>: the address actually connected to is
/// checked, so neither a private host name nor DNS rebinding reaches the server's own network). Registrations are
/// kept in the <see cref="IOAuthStore"/> (this process, or Redis for every replica).
/// </summary>
public sealed class OAuthClients(bool allowLoopbackClients, IOAuthStore store) : IDisposable
{
    public const int MaxDocumentBytes = 16 * 1024;
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectTimeout = FetchTimeout,
        ConnectCallback = new PublicAddressConnector(allowLoopbackClients).ConnectAsync,
    })
    { Timeout = FetchTimeout };

    public void Dispose() => http.Dispose();

    /// <summary>Registers a public client (RFC 7591); the error is an RFC 7591 error code and description.</summary>
    public async Task<(OAuthClient? Client, string? Error, string? Description)> RegisterAsync(ClientMetadataDocument request, CancellationToken cancellationToken)
    {
        // A client asking for a secret (the C# SDK asks for client_secret_post) is registered as public all the same, as
        // RFC 7591 §3.2.1 lets a server do: its answer says none, no secret is issued, and PKCE protects the code.
        if (request.TokenEndpointAuthMethod is "client_secret_post" or "client_secret_basic")
        {
            request.TokenEndpointAuthMethod = "none";
        }

        if (Check(request) is { } problem)
        {
            return (null, problem.Error, problem.Description);
        }

        var client = new OAuthClient("mcp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), request.ClientName, [.. request.RedirectUris!]);
        await store.SaveClientAsync(client, cancellationToken).ConfigureAwait(false);
        return (client, null, null);
    }

    /// <summary>The client whose id is <paramref name="clientId"/>: registered, or described by the document at that URL; null (and why) otherwise.</summary>
    public async Task<(OAuthClient? Client, string? Refusal)> FindAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return (null, "client_id is missing");
        }

        if (await store.FindClientAsync(clientId, cancellationToken).ConfigureAwait(false) is { } registered)
        {
            return (registered, null);
        }

        if (!Uri.TryCreate(clientId, UriKind.Absolute, out var url) || url.Fragment.Length > 0 || url.UserInfo.Length > 0)
        {
            return (null, "the client is not registered here");
        }

        if (!(url.Scheme == Uri.UriSchemeHttps && url.AbsolutePath != "/") && !(allowLoopbackClients && url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        {
            return (null, "a client id metadata document must be at an https URL with a path");
        }

        return await FetchAsync(url, clientId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(OAuthClient? Client, string? Refusal)> FetchAsync(Uri url, string clientId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"the client id metadata document answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
            {
                return (null, $"the client id metadata document is over {MaxDocumentBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var buffer = new byte[MaxDocumentBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxDocumentBytes)
            {
                return (null, $"the client id metadata document is over {MaxDocumentBytes} bytes");
            }

            var document = JsonSerializer.Deserialize(buffer.AsSpan(0, length), OAuthJsonContext.Default.ClientMetadataDocument);
            if (document is null || document.ClientId != clientId)
            {
                return (null, "the client id metadata document's client_id is not its own URL");
            }

            if (Check(document) is { } problem)
            {
                return (null, "the client id metadata document: " + problem.Description);
            }

            return (new OAuthClient(clientId, document.ClientName, [.. document.RedirectUris!]), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"the client id metadata document did not arrive within {FetchTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is NonPublicAddressException refused)
        {
            return (null, refused.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return (null, "the client id metadata document could not be read");
        }
    }

    private static (string Error, string Description)? Check(ClientMetadataDocument metadata)
    {
        if (metadata.RedirectUris is not { Count: > 0 } uris)
        {
            return ("invalid_redirect_uri", "redirect_uris must list at least one URI");
        }

        foreach (var uri in uris)
        {
            if (RedirectUris.Refusal(uri) is { } refusal)
            {
                return ("invalid_redirect_uri", "redirect_uris: " + refusal);
            }
        }

        if (metadata.TokenEndpointAuthMethod is { } method && method != "none")
        {
            return ("invalid_client_metadata", "token_endpoint_auth_method must be none: clients here are public and use PKCE");
        }

        if (metadata.GrantTypes is { } grants && grants.Any(g => g is not ("authorization_code" or "refresh_token")))
        {
            return ("invalid_client_metadata", "grant_types may be authorization_code and refresh_token only");
        }

        if (metadata.ResponseTypes is { } responses && responses.Any(r => r != "code"))
        {
            return ("invalid_client_metadata", "response_types may be code only");
        }

        return null;
    }
}
