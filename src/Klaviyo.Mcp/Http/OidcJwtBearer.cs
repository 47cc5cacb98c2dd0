using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// ASP.NET Core's JwtBearer, set up for <see cref="OidcSettings"/>: keys from the issuer's discovery document and JWKS
/// (fetched again when a token names a key it does not know, so the issuer may rotate keys), exactly that issuer,
/// the server's audience, an expiry with 30 seconds of clock skew, asymmetric signatures only, and the claims under
/// their JWT names (<c>sub</c>, <c>email</c>, <c>groups</c>, <c>scp</c>), not mapped to .NET's claim types.
/// </summary>
internal static class OidcJwtBearer
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The signature algorithms accepted: RSA and ECDSA, never <c>none</c> or a shared secret.</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static void Add(IServiceCollection services, OidcSettings oidc) =>
        services.AddAuthentication().AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.Authority = oidc.Issuer;
            options.MetadataAddress = oidc.MetadataAddress;
            options.RequireHttpsMetadata = !oidc.IsLoopbackHttp;
            options.MapInboundClaims = false;
            options.SaveToken = false;
            options.IncludeErrorDetails = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = oidc.Issuer,
                ValidateAudience = true,
                ValidAudiences = oidc.Audiences,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = ClockSkew,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                ValidAlgorithms = Algorithms,
            };
        });
}
