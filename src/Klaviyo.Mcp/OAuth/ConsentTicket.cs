namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// A checked authorization request waiting for the person's answer on the consent page: carried by the page's form,
/// sealed (<see cref="TokenSealer"/>) with the nonce of the browser's consent cookie as associated data, so that only
/// the browser the page was shown to can answer it, on any replica, until <see cref="Expires"/>.
/// </summary>
public sealed record ConsentTicket(
    string ClientId,
    string RedirectUri,
    string? ClientState,
    string CodeChallenge,
    string Resource,
    DateTimeOffset Expires);
