using System.Text.Json.Serialization;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// OAuth 2.0 Authorization Server Metadata (RFC 8414) of serve in <c>KLAVIYO_HTTP_AUTH=klaviyo</c> mode, at
/// <c>/.well-known/oauth-authorization-server</c>: the issuer is the public URL, every endpoint is on it; authorization
/// code with PKCE S256 only, public clients (<c>none</c>), refresh tokens, revocation (RFC 7009), dynamic registration
/// (RFC 7591) and client id metadata documents.
/// </summary>
public sealed record AuthorizationServerMetadata(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("authorization_endpoint")] string AuthorizationEndpoint,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("registration_endpoint")] string RegistrationEndpoint,
    [property: JsonPropertyName("revocation_endpoint")] string RevocationEndpoint,
    [property: JsonPropertyName("response_types_supported")] string[] ResponseTypesSupported,
    [property: JsonPropertyName("grant_types_supported")] string[] GrantTypesSupported,
    [property: JsonPropertyName("code_challenge_methods_supported")] string[] CodeChallengeMethodsSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] string[] TokenEndpointAuthMethodsSupported,
    [property: JsonPropertyName("revocation_endpoint_auth_methods_supported")] string[] RevocationEndpointAuthMethodsSupported,
    [property: JsonPropertyName("client_id_metadata_document_supported")] bool ClientIdMetadataDocumentSupported,
    [property: JsonPropertyName("authorization_response_iss_parameter_supported")] bool AuthorizationResponseIssParameterSupported)
{
    public const string Path = "/.well-known/oauth-authorization-server";
    public const string AuthorizePath = "/oauth/authorize";
    public const string TokenPath = "/oauth/token";
    public const string RegisterPath = "/oauth/register";
    public const string RevokePath = "/oauth/revoke";

    /// <summary>The metadata of the authorization server whose issuer is <paramref name="issuer"/> (the public URL, no trailing slash).</summary>
    public static AuthorizationServerMetadata For(string issuer) => new(
        issuer,
        issuer + AuthorizePath,
        issuer + TokenPath,
        issuer + RegisterPath,
        issuer + RevokePath,
        ["code"],
        ["authorization_code", "refresh_token"],
        [Pkce.Method],
        ["none"],
        ["none"],
        ClientIdMetadataDocumentSupported: true,
        AuthorizationResponseIssParameterSupported: true);
}
