using Microsoft.AspNetCore.Http;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The two cookies of a sign-in, both HttpOnly, SameSite=Lax, path /, for 10 minutes, and on an https public URL
/// <c>Secure</c> with the <c>__Host-</c> prefix (bound to this host): the consent cookie, one per page shown (a nonce
/// the consent form's ticket is sealed with: the form answers only in the browser it was shown in) and, set only once the person has
/// approved, the state cookie the callback must find holding the state Klaviyo returns (named after that state, so
/// that two sign-ins in one browser do not overwrite each other).
/// </summary>
internal sealed class SignInCookies(bool https)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private string Prefix => https ? "__Host-klaviyo-mcp-" : "klaviyo-mcp-";

    /// <summary>The name of the consent cookie of one consent page (<paramref name="consentId"/>: a random id the page's forms carry), so that two pages open in one browser do not overwrite each other.</summary>
    public string ConsentName(string consentId) => Prefix + "consent-" + consentId;

    /// <summary>The name of the state cookie for <paramref name="state"/>: a short part of its hash, so a name gives nothing away.</summary>
    public string StateName(string state) => Prefix + "state-" + OAuthGrants.Hash(state)[..12];

    public void Set(HttpResponse response, string name, string value) => response.Cookies.Append(name, value, new CookieOptions
    {
        HttpOnly = true,
        Secure = https,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = Lifetime,
        IsEssential = true,
    });

    public void Delete(HttpResponse response, string name) =>
        response.Cookies.Delete(name, new CookieOptions { HttpOnly = true, Secure = https, SameSite = SameSiteMode.Lax, Path = "/" });
}
