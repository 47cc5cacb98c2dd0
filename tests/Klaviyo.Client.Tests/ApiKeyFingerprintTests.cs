using System.Security.Cryptography;
using System.Text;

namespace Klaviyo.Client.Tests;

public sealed class ApiKeyFingerprintTests
{
    [Fact]
    public void Keys_asked_in_turn_each_get_their_own_fingerprint_the_first_16_hex_digits_of_their_SHA_256()
    {
        string[] keys = ["pk_first_0123456789abcdef", "pk_second_0123456789abcdef", "pk_first_0123456789abcdef", "pk_second_0123456789abcdef"];

        var fingerprints = keys.Select(ApiKeyFingerprint.Of).ToArray();

        Assert.All(keys.Zip(fingerprints), pair =>
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pair.First)))[..16], pair.Second));
        Assert.NotEqual(fingerprints[0], fingerprints[1]);
    }
}
