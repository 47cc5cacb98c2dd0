using System.Security.Cryptography;
using System.Text;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// PKCE (RFC 7636) with S256 only, as OAuth 2.1 and the MCP authorization spec require: a verifier is 43 to 128
/// characters of <c>[A-Za-z0-9-._~]</c>, its challenge the unpadded base64url of its SHA-256. <c>plain</c> is refused.
/// </summary>
public static class Pkce
{
    public const string Method = "S256";

    /// <summary>Whether <paramref name="verifier"/> is well formed and its S256 challenge is <paramref name="challenge"/> (compared in constant time).</summary>
    public static bool Verify(string? verifier, string? challenge)
    {
        if (!IsWellFormed(verifier) || !IsWellFormed(challenge) || challenge!.Length != 43)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Challenge(verifier!)), Encoding.ASCII.GetBytes(challenge));
    }

    /// <summary>The S256 challenge of <paramref name="verifier"/>.</summary>
    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>A new verifier: 32 random bytes, base64url (43 characters).</summary>
    public static string NewVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether a challenge request names S256 and a challenge of the right form; <c>plain</c> or a missing method is refused.</summary>
    public static bool IsAcceptedChallenge(string? challenge, string? method) => method == Method && IsWellFormed(challenge) && challenge!.Length == 43;

    private static bool IsWellFormed(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
