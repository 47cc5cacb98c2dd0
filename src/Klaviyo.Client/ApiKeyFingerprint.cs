using System.Security.Cryptography;
using System.Text;

namespace Klaviyo.Client;

/// <summary>
/// Names an account without its key: the first 16 hex digits (64 bits) of the key's SHA-256. Rate-limit buckets are
/// kept per fingerprint, in process and in Redis, so that two accounts served by one process never share a limit and
/// no key ever becomes part of a name.
/// </summary>
public static class ApiKeyFingerprint
{
    public const int Length = 16;

    public static string Of(string apiKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), hash);
        return Convert.ToHexStringLower(hash[..(Length / 2)]);
    }
}
