using Klaviyo.Mcp.Access;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// A token from the tokens file, ready to check a request against: its name, the SHA-256 of the token, the key of its
/// account, and its restrictions. A class, not a record, so that no generated <c>ToString</c> ever prints the key.
/// </summary>
public sealed class TeamToken(string name, byte[] sha256, string account, string apiKey, AccessRestrictions restrictions)
{
    public string Name { get; } = name;

    internal byte[] Sha256 { get; } = sha256;

    /// <summary>The account's name in the tokens file.</summary>
    public string Account { get; } = account;

    /// <summary>The account's private key, read from the variable the tokens file names.</summary>
    internal string ApiKey { get; } = apiKey;

    /// <summary>The token's read-only and drafts-only modes and toolsets.</summary>
    public AccessRestrictions Restrictions { get; } = restrictions;

    public override string ToString() => $"token \"{Name}\" (account {Account})";
}
