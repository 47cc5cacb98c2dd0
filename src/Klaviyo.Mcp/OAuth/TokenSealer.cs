using System.Security.Cryptography;
using System.Text;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// Seals Klaviyo's tokens before they are stored (in memory or in Redis): AES-256-GCM with a random 96-bit nonce per
/// seal, bound to <c>associatedData</c> (the grant's id, so a sealed token cannot be moved to another grant). The key
/// is derived with HKDF-SHA256 from the Klaviyo OAuth app's client secret, which every replica already shares
/// (<c>KLAVIYO_OAUTH_CLIENT_SECRET</c>), salted with this purpose and the client id: no new secret to distribute, and
/// rotating the client secret makes every stored token unreadable (everyone signs in again). A class without
/// <c>ToString</c> of its key; the key is never logged.
/// </summary>
public sealed class TokenSealer
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] s_salt = Encoding.UTF8.GetBytes("klaviyo-mcp oauth: klaviyo tokens at rest v1");

    private readonly byte[] _key;

    public TokenSealer(string clientId, string clientSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(clientSecret), 32, s_salt, Encoding.UTF8.GetBytes(clientId));
    }

    /// <summary><paramref name="plaintext"/> sealed: base64url of nonce, ciphertext and tag.</summary>
    public string Seal(string plaintext, string associatedData)
    {
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + clear.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceBytes, clear.Length), sealedBytes.AsSpan(NonceBytes + clear.Length), Encoding.UTF8.GetBytes(associatedData));
        CryptographicOperations.ZeroMemory(clear);
        return Convert.ToBase64String(sealedBytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The plaintext of <paramref name="sealedText"/>, or null when it was not sealed by this key for <paramref name="associatedData"/> or was changed.</summary>
    public string? Open(string sealedText, string associatedData)
    {
        byte[] sealedBytes;
        try
        {
            var base64 = sealedText.Replace('-', '+').Replace('_', '/');
            sealedBytes = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            return null;
        }

        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            return null;
        }

        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var clear = new byte[length];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), clear, Encoding.UTF8.GetBytes(associatedData));
            return Encoding.UTF8.GetString(clear);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    public override string ToString() => "TokenSealer (AES-256-GCM)";
}
