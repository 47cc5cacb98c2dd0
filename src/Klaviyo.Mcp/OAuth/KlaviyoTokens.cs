namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// Klaviyo's tokens for one person, as its token endpoint answers them. Kept only sealed (<see cref="TokenSealer"/>);
/// a class, not a record, so that no generated <c>ToString</c> prints a token.
/// </summary>
public sealed class KlaviyoTokens(string accessToken, string refreshToken, DateTimeOffset expires, string scope)
{
    public string AccessToken { get; } = accessToken;

    public string RefreshToken { get; } = refreshToken;

    /// <summary>When the access token stops working, by Klaviyo's <c>expires_in</c>.</summary>
    public DateTimeOffset Expires { get; } = expires;

    public string Scope { get; } = scope;

    /// <summary>The text <see cref="TokenSealer"/> seals: expiry, scope and both tokens, one a line (none holds a line break).</summary>
    internal string ToSealable() => string.Join('\n', Expires.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Scope, AccessToken, RefreshToken);

    /// <summary>The tokens of a <see cref="ToSealable"/> text, or null when it is not one.</summary>
    internal static KlaviyoTokens? FromSealable(string? text)
    {
        var parts = text?.Split('\n');
        return parts is { Length: 4 } && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var expires)
            ? new KlaviyoTokens(parts[2], parts[3], DateTimeOffset.FromUnixTimeMilliseconds(expires), parts[1])
            : null;
    }

    public override string ToString() => $"Klaviyo tokens (scope {Scope}, expiring {Expires:O})";
}
