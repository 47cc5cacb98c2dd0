using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// ASP.NET Core's JwtBearer, set up for <see cref="OidcSettings"/>: keys from the issuer's discovery document and JWKS
/// (fetched again when a token names a key it does not know, so the issuer may rotate keys), exactly that issuer,
/// the server's audience, an expiry with 30 seconds of clock skew, asymmetric signatures only, and the claims under
/// their JWT names (<c>sub</c>, <c>email</c>, <c>groups</c>, <c>scp</c>), not mapped to .NET's claim types.
/// <para>
/// Key rotation, as found against oidc-provider (tests/oidc-provider): the JWKS is fetched again while the token that
/// named an unknown key waits (<see cref="BlockingRefreshSwitch"/>; IdentityModel 8 otherwise refreshes in the
/// background and refused that first token), at most every <see cref="JwksRefreshInterval"/> (IdentityModel's 5 minutes
/// let one bad token delay a rotation that long), and only the keys the issuer lists now count: no "last known good"
/// configuration, which would accept a key the issuer has removed for another hour.
/// </para>
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

    /// <summary>IdentityModel's switch that makes a requested configuration refresh happen before the next validation.</summary>
    public const string BlockingRefreshSwitch = "Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking";

    /// <summary>How often at most a token naming an unknown key (or failing its signature) fetches the issuer's keys again.</summary>
    public static readonly TimeSpan JwksRefreshInterval = TimeSpan.FromSeconds(10);

    public static void Add(IServiceCollection services, OidcSettings oidc)
    {
        // Process-wide and read once by IdentityModel: set before any configuration manager exists.
        AppContext.SetSwitch(BlockingRefreshSwitch, true);
        services.AddAuthentication().AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.Authority = oidc.Issuer;
            options.MetadataAddress = oidc.MetadataAddress;
            options.RequireHttpsMetadata = !oidc.IsLoopbackHttp;

            // JwtBearer's own configuration manager, as it would make it (same client, timeout and size bound), but
            // without last-known-good configurations.
            var backchannel = new HttpClient(new HttpClientHandler()) { Timeout = options.BackchannelTimeout, MaxResponseContentBufferSize = 10 * 1024 * 1024 };
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.MetadataAddress,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(backchannel) { RequireHttps = options.RequireHttpsMetadata })
            {
                RefreshInterval = JwksRefreshInterval,
                AutomaticRefreshInterval = options.AutomaticRefreshInterval,
                UseLastKnownGoodConfiguration = false,
            };
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
}
