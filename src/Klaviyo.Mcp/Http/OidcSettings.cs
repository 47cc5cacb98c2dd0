namespace Klaviyo.Mcp.Http;

/// <summary>
/// <c>KLAVIYO_HTTP_AUTH=oidc</c>: serve is a resource server for an external OpenID Connect issuer. Access tokens are
/// JWTs (RFC 9068) signed with a key of the issuer's JWKS (found through its discovery document), issued by exactly
/// <see cref="Issuer"/> for <see cref="Audiences"/> (<c>&lt;public&gt;/mcp</c> first). <see cref="ReadScope"/> is what
/// every call needs; <see cref="WriteScope"/> what a call that changes data needs besides.
/// </summary>
/// <param name="Issuer">The issuer, exactly as its tokens' <c>iss</c> and its discovery document write it.</param>
/// <param name="Audiences">The accepted <c>aud</c> values: <c>&lt;public&gt;/mcp</c>, then any of <c>KLAVIYO_OIDC_AUDIENCES</c>.</param>
/// <param name="ReadScope">The scope reads need (<c>klaviyo.read</c> unless <c>KLAVIYO_OIDC_READ_SCOPE</c> says otherwise).</param>
/// <param name="WriteScope">The scope writes need besides (<c>klaviyo.write</c> unless <c>KLAVIYO_OIDC_WRITE_SCOPE</c> says otherwise).</param>
public sealed record OidcSettings(string Issuer, IReadOnlyList<string> Audiences, string ReadScope, string WriteScope)
{
    public const string DefaultReadScope = "klaviyo.read";
    public const string DefaultWriteScope = "klaviyo.write";

    /// <summary>Where the discovery document is (OpenID Connect Discovery 1.0).</summary>
    public string MetadataAddress => Issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <summary>Whether the issuer is plain http (allowed only on a loopback address, for tests and local trials).</summary>
    public bool IsLoopbackHttp => Uri.TryCreate(Issuer, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// Whether a token's scopes (<c>scope</c> or <c>scp</c> claims, space-separated or one claim each) hold
    /// <paramref name="scope"/>. Entra ID writes a scope requested as <c>api://…/klaviyo.read</c> as <c>klaviyo.read</c>
    /// in the token: the configured scope's last path segment counts too.
    /// </summary>
    public static bool Holds(IEnumerable<string> tokenScopes, string scope)
    {
        var shortName = scope[(scope.LastIndexOf('/') + 1)..];
        return tokenScopes.Any(s => string.Equals(s, scope, StringComparison.Ordinal) || string.Equals(s, shortName, StringComparison.Ordinal));
    }
}
