using Klaviyo.Mcp.OAuth;

namespace Klaviyo.Mcp.Tests;

/// <summary>PKCE S256 (RFC 7636): a known pair, and every malformed or mismatched verifier refused.</summary>
public sealed class PkceTests
{
    // The challenge computed apart from this code: base64url(sha256(verifier)) with Python's hashlib, unpadded.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk";
    private const string Challenge = "bwWFMyPfdG9qreDhH2lmftFx_dFeLDalzcT1gb_j68g";

    [Fact]
    public void A_known_verifier_and_its_S256_challenge_verify()
    {
        Assert.Equal(Challenge, Pkce.Challenge(Verifier));
        Assert.True(Pkce.Verify(Verifier, Challenge));
        Assert.True(Pkce.IsAcceptedChallenge(Challenge, "S256"));
    }

    [Theory]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXl")] // another verifier
    [InlineData("short")] // under 43 characters
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjX+")] // a character outside the alphabet
    [InlineData("")]
    [InlineData(null)]
    public void A_wrong_or_malformed_verifier_is_refused(string? verifier) => Assert.False(Pkce.Verify(verifier, Challenge));

    [Theory]
    [InlineData("plain")]
    [InlineData(null)]
    [InlineData("s256")]
    public void Only_S256_is_accepted(string? method) => Assert.False(Pkce.IsAcceptedChallenge(Challenge, method));

    [Fact]
    public void A_plain_challenge_equal_to_its_verifier_does_not_verify() => Assert.False(Pkce.Verify(Verifier, Verifier));

    [Fact]
    public void New_verifiers_are_well_formed_and_differ()
    {
        var a = Pkce.NewVerifier();
        Assert.True(Pkce.Verify(a, Pkce.Challenge(a)));
        Assert.NotEqual(a, Pkce.NewVerifier());
    }
}
