using System.Net;
using System.Text.RegularExpressions;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// A person's browser in a sign-in: it keeps cookies, shows each redirect instead of following it, and answers the
/// server's consent page by submitting one of its forms as a browser would (the first approves, the second denies).
/// </summary>
internal sealed partial class SignInBrowser : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;

    public SignInBrowser() => _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = _cookies, UseCookies = true });

    public CookieCollection Cookies(Uri url) => _cookies.GetCookies(url);

    /// <summary>Forgets every cookie: the same person in another browser.</summary>
    public void ClearCookies()
    {
        foreach (Cookie cookie in _cookies.GetAllCookies())
        {
            cookie.Expired = true;
        }
    }

    public Task<HttpResponseMessage> GetAsync(string url, CancellationToken cancellationToken) => _http.GetAsync(url, cancellationToken);

    public Task<HttpResponseMessage> GetAsync(Uri url, CancellationToken cancellationToken) => _http.GetAsync(url, cancellationToken);

    /// <summary>Opens the authorize URL; when the answer is the consent page, submits its approve (or deny) form and returns that answer.</summary>
    public async Task<HttpResponseMessage> AuthorizeAsync(string url, CancellationToken cancellationToken, bool approve = true)
    {
        var page = await _http.GetAsync(url, cancellationToken);
        if (page.StatusCode != HttpStatusCode.OK || page.Content.Headers.ContentType?.MediaType != "text/html")
        {
            return page;
        }

        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        page.Dispose();
        return await SubmitAsync(new Uri(url), html, approve ? 0 : 1, cancellationToken);
    }

    public Task<HttpResponseMessage> AuthorizeAsync(Uri url, CancellationToken cancellationToken, bool approve = true) =>
        AuthorizeAsync(url.AbsoluteUri, cancellationToken, approve);

    /// <summary>Submits form <paramref name="index"/> of <paramref name="html"/> with its hidden fields and its button's name and value.</summary>
    public Task<HttpResponseMessage> SubmitAsync(Uri page, string html, int index, CancellationToken cancellationToken)
    {
        var form = FormPattern().Matches(html)[index];
        var fields = InputPattern().Matches(form.Groups["body"].Value)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .ToList();
        return _http.PostAsync(new Uri(page, WebUtility.HtmlDecode(form.Groups["action"].Value)), new FormUrlEncodedContent(fields), cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]*)\">(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<(?:input|button)[^>]*?name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\"", RegexOptions.Singleline)]
    private static partial Regex InputPattern();
}
