namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The redirect URIs a client may register (RFC 7591, OAuth 2.1 §2.3.1, RFC 8252 §7.3): absolute https URIs, or http on
/// a loopback address (127.0.0.1, [::1] or localhost, any port) for native apps; never a fragment, user info or
/// another scheme. A redirect at authorization must equal a registered one exactly, except the port of a loopback one.
/// </summary>
public static class RedirectUris
{
    /// <summary>Why <paramref name="value"/> may not be registered, or null when it may.</summary>
    public static string? Refusal(string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return $"\"{value}\" is not an absolute URI";
        }

        if (uri.Fragment.Length > 0 || value!.Contains('#', StringComparison.Ordinal))
        {
            return $"\"{value}\" has a fragment";
        }

        if (uri.UserInfo.Length > 0)
        {
            return $"\"{value}\" has user information";
        }

        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)))
        {
            return null;
        }

        return $"\"{value}\" must be https, or http on a loopback address (127.0.0.1, [::1], localhost)";
    }

    /// <summary>Whether <paramref name="requested"/> matches <paramref name="registered"/>: exactly, or for loopback http with any port (RFC 8252 §7.3).</summary>
    public static bool Matches(string registered, string requested)
    {
        if (string.Equals(registered, requested, StringComparison.Ordinal))
        {
            return true;
        }

        if (!Uri.TryCreate(registered, UriKind.Absolute, out var a) || !Uri.TryCreate(requested, UriKind.Absolute, out var b))
        {
            return false;
        }

        return a.Scheme == Uri.UriSchemeHttp && b.Scheme == Uri.UriSchemeHttp && IsLoopback(a) && IsLoopback(b)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.PathAndQuery, b.PathAndQuery, StringComparison.Ordinal)
            && b.Fragment.Length == 0;
    }

    private static bool IsLoopback(Uri uri) => uri.IsLoopback;
}
