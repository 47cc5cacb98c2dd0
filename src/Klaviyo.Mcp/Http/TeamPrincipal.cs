using System.Security.Claims;
using Klaviyo.Mcp.Access;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// A principal from the policy file, ready to match a validated access token: by its <c>sub</c> (exactly), its
/// <c>email</c> (ignoring case) or one of its <c>groups</c> (exactly), with its account's key and its restrictions. A
/// class, not a record, so that no generated <c>ToString</c> ever prints the key.
/// </summary>
public sealed class TeamPrincipal(string name, string? subject, string? email, string? group, string account, string apiKey, AccessRestrictions restrictions)
{
    public string Name { get; } = name;

    public string? Subject { get; } = subject;

    public string? Email { get; } = email;

    public string? Group { get; } = group;

    /// <summary>The account's name in the policy file.</summary>
    public string Account { get; } = account;

    /// <summary>The account's private key, read from the variable the policy file names.</summary>
    internal string ApiKey { get; } = apiKey;

    public AccessRestrictions Restrictions { get; } = restrictions;

    /// <summary>Whether the token's claims (JWT names: <c>sub</c>, <c>email</c>, <c>groups</c>) are this principal's.</summary>
    public bool Matches(ClaimsPrincipal user)
    {
        if (Subject is not null)
        {
            return user.FindAll("sub").Any(c => string.Equals(c.Value, Subject, StringComparison.Ordinal));
        }

        if (Email is not null)
        {
            // An email the issuer says it has not verified (email_verified false: self-service sign-up, some social
            // logins) names nobody. Issuers that send no email_verified (Entra ID) vouch for their own addresses.
            var verified = user.FindFirst("email_verified")?.Value;
            return (verified is null || string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase)) &&
                user.FindAll("email").Any(c => string.Equals(c.Value, Email, StringComparison.OrdinalIgnoreCase));
        }

        return Group is not null && user.FindAll("groups").Any(c => string.Equals(c.Value, Group, StringComparison.Ordinal));
    }

    public override string ToString() => $"principal \"{Name}\" (account {Account})";
}
