using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Klaviyo.Mcp.Access;
using Microsoft.Extensions.Configuration;

namespace Klaviyo.Mcp.Http;

/// <summary>
/// The team tokens of <c>KLAVIYO_HTTP_TOKENS_FILE</c>. The file holds no secret in clear: each token is stored as the
/// SHA-256 of its text, and each account names the environment variable that holds its key. A bearer token is hashed
/// and compared with every entry in constant time, so the time taken says nothing about which hashes are close.
/// </summary>
public sealed class TeamTokens
{
    private readonly TeamToken[] _tokens;
    private readonly TeamPrincipal[] _principals;

    private TeamTokens(TeamToken[] tokens, TeamPrincipal[] principals)
    {
        _tokens = tokens;
        _principals = principals;
    }

    public IReadOnlyList<TeamToken> Tokens => _tokens;

    /// <summary>The principals of OIDC mode, in the file's order.</summary>
    public IReadOnlyList<TeamPrincipal> Principals => _principals;

    /// <summary>The first principal (in the file's order) that <paramref name="user"/>'s claims match, or null.</summary>
    public TeamPrincipal? Match(System.Security.Claims.ClaimsPrincipal user) => _principals.FirstOrDefault(p => p.Matches(user));

    /// <summary>The token whose hash is the SHA-256 of <paramref name="bearer"/>, or null.</summary>
    public TeamToken? Find(string bearer)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(bearer), hash);
        TeamToken? found = null;
        foreach (var token in _tokens)
        {
            // Every entry is compared, with no early exit.
            if (CryptographicOperations.FixedTimeEquals(hash, token.Sha256))
            {
                found = token;
            }
        }

        return found;
    }

    /// <summary>
    /// Reads and checks the file; every problem (unreadable JSON, an unknown account, an unset key variable, a bad hash) is
    /// added to <paramref name="problems"/>. With <paramref name="principals"/> (OIDC mode) the file must list principals
    /// and no tokens (only the identity provider's tokens are accepted); without, tokens and no principals.
    /// </summary>
    public static TeamTokens? Read(string path, IConfiguration environment, List<string> problems, bool principals = false)
    {
        var variable = HttpServeSettings.TokensFileVariable;
        TeamTokensDocument? document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonSerializer.Deserialize(stream, ServeJsonContext.Default.TeamTokensDocument);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{variable}: cannot read \"{path}\": {ex.Message}");
            return null;
        }
        catch (JsonException ex)
        {
            problems.Add($"{variable}: \"{path}\" is not a valid tokens file: {ex.Message}");
            return null;
        }

        if (document is null)
        {
            problems.Add($"{variable}: \"{path}\" is empty");
            return null;
        }

        if (principals)
        {
            if (document.Tokens is { Count: > 0 })
            {
                problems.Add($"{variable}: \"{path}\" lists tokens, which {HttpServeSettings.AuthVariable}=oidc does not accept (only your identity provider's tokens): remove them, or unset {HttpServeSettings.AuthVariable}");
            }

            if (document.Principals is not { Count: > 0 })
            {
                problems.Add($"{variable}: \"{path}\" lists no principals (with {HttpServeSettings.AuthVariable}=oidc, principals say who may use which account)");
                return null;
            }
        }
        else
        {
            if (document.Principals is { Count: > 0 })
            {
                problems.Add($"{variable}: \"{path}\" lists principals, which only {HttpServeSettings.AuthVariable}=oidc uses");
            }

            if (document.Tokens is not { Count: > 0 })
            {
                problems.Add($"{variable}: \"{path}\" lists no tokens");
                return null;
            }
        }

        var entries = document.Tokens ?? [];

        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (account, entry) in document.Accounts ?? [])
        {
            if (ServerSettings.NonEmpty(entry.ApiKeyEnv) is not { } keyVariable)
            {
                problems.Add($"{variable}: account \"{account}\" has no api_key_env (the variable that holds its pk_ key)");
            }
            else if (ServerSettings.NonEmpty(environment[keyVariable]) is not { } key)
            {
                problems.Add($"{variable}: account \"{account}\": the variable {keyVariable} is not set");
            }
            else if (!key.StartsWith("pk_", StringComparison.Ordinal))
            {
                problems.Add($"{variable}: account \"{account}\": {keyVariable} does not hold a Klaviyo private key (they start with pk_)");
            }
            else
            {
                keys[account] = key;
            }
        }

        var tokens = new List<TeamToken>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = $"{variable}: tokens[{i}]";
            if (ServerSettings.NonEmpty(entry.Name) is not { } name)
            {
                problems.Add($"{where} has no name");
                continue;
            }

            where = $"{variable}: token \"{name}\"";
            if (!names.Add(name))
            {
                problems.Add($"{where} is listed twice");
            }

            var hash = ServerSettings.NonEmpty(entry.Sha256);
            if (hash is null || hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
            {
                problems.Add($"{where}: sha256 must be the 64 hex digits of the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum)");
                continue;
            }

            if (!hashes.Add(hash))
            {
                problems.Add($"{where}: another token has the same sha256");
            }

            if (entry.Account is null || !(document.Accounts?.ContainsKey(entry.Account) ?? false))
            {
                problems.Add($"{where}: account \"{entry.Account}\" is not among the file's accounts ({string.Join(", ", document.Accounts?.Keys.AsEnumerable() ?? [])})");
                continue;
            }

            var restrictions = entry.Restrictions(problems);
            if (keys.TryGetValue(entry.Account, out var apiKey))
            {
                tokens.Add(new TeamToken(name, Convert.FromHexString(hash), entry.Account, apiKey, restrictions));
            }
        }

        return new TeamTokens([.. tokens], ReadPrincipals(document, keys, problems));
    }

    private static TeamPrincipal[] ReadPrincipals(TeamTokensDocument document, Dictionary<string, string> keys, List<string> problems)
    {
        var variable = HttpServeSettings.TokensFileVariable;
        var entries = document.Principals ?? [];
        var principals = new List<TeamPrincipal>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = $"{variable}: principals[{i}]";
            if (ServerSettings.NonEmpty(entry.Name) is not { } name)
            {
                problems.Add($"{where} has no name");
                continue;
            }

            where = $"{variable}: principal \"{name}\"";
            if (!names.Add(name))
            {
                problems.Add($"{where} is listed twice");
            }

            var subject = ServerSettings.NonEmpty(entry.Subject);
            var email = ServerSettings.NonEmpty(entry.Email);
            var group = ServerSettings.NonEmpty(entry.Group);
            if ((subject is null ? 0 : 1) + (email is null ? 0 : 1) + (group is null ? 0 : 1) != 1)
            {
                problems.Add($"{where} must name exactly one of subject (the token's sub), email or group (one of its groups)");
                continue;
            }

            if (entry.Account is null || !(document.Accounts?.ContainsKey(entry.Account) ?? false))
            {
                problems.Add($"{where}: account \"{entry.Account}\" is not among the file's accounts ({string.Join(", ", document.Accounts?.Keys.AsEnumerable() ?? [])})");
                continue;
            }

            var restrictions = entry.Restrictions(problems);
            if (keys.TryGetValue(entry.Account, out var apiKey))
            {
                principals.Add(new TeamPrincipal(name, subject, email, group, entry.Account, apiKey, restrictions));
            }
        }

        return [.. principals];
    }
}
