using Klaviyo.Mcp.OAuth;

namespace Klaviyo.Mcp.Tests;

/// <summary>Klaviyo tokens at rest: AES-GCM with a key derived from the OAuth app's secret, bound to the grant.</summary>
public sealed class TokenSealerTests
{
    private const string KlaviyoToken = "kl_access_0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    [Fact]
    public void A_sealed_token_opens_with_the_same_secret_on_another_replica_and_never_shows_in_clear()
    {
        var sealedToken = new TokenSealer("app-1", "secret-1").Seal(KlaviyoToken, "grant-1");

        Assert.DoesNotContain(KlaviyoToken, sealedToken, StringComparison.Ordinal);
        Assert.DoesNotContain("0f1e2d3c", sealedToken, StringComparison.Ordinal);
        Assert.Equal(KlaviyoToken, new TokenSealer("app-1", "secret-1").Open(sealedToken, "grant-1"));
        Assert.NotEqual(sealedToken, new TokenSealer("app-1", "secret-1").Seal(KlaviyoToken, "grant-1"));
    }

    [Fact]
    public void Another_secret_another_grant_or_a_changed_byte_does_not_open()
    {
        var sealer = new TokenSealer("app-1", "secret-1");
        var sealedToken = sealer.Seal(KlaviyoToken, "grant-1");
        var changed = (sealedToken[20] == 'A' ? "B" : "A") is var c ? sealedToken[..20] + c + sealedToken[21..] : sealedToken;

        Assert.Null(new TokenSealer("app-1", "secret-2").Open(sealedToken, "grant-1"));
        Assert.Null(new TokenSealer("app-2", "secret-1").Open(sealedToken, "grant-1"));
        Assert.Null(sealer.Open(sealedToken, "grant-2"));
        Assert.Null(sealer.Open(changed, "grant-1"));
        Assert.Null(sealer.Open(sealedToken[..10], "grant-1"));
        Assert.Null(sealer.Open("not base64 !", "grant-1"));
        Assert.DoesNotContain("secret-1", sealer.ToString(), StringComparison.Ordinal);
    }
}
