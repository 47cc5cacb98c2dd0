using System.Text.RegularExpressions;

namespace Klaviyo.Mcp.Validation;

/// <summary>Syntax rules for the identifiers Klaviyo accepts, shared by every tool that takes them.</summary>
public static partial class IdentifierRules
{
    /// <summary>
    /// A practical email check: one <c>@</c>, a local part of 1 to 64 characters, a domain with at least one dot,
    /// labels of letters, digits and hyphens, no spaces, at most 254 characters.
    /// </summary>
    public static bool IsEmail(string value) => value.Length <= 254 && Email().IsMatch(value) && value.IndexOf('@') <= 64;

    /// <summary>E.164: a plus sign, then 2 to 15 digits, the first not zero.</summary>
    public static bool IsE164(string value) => E164().IsMatch(value);

    /// <summary>ISO 4217 shape: three letters (case is normalised by the caller).</summary>
    public static bool IsCurrencyCode(string value) => CurrencyCode().IsMatch(value);

    /// <summary>
    /// Describes a value for an error message or a summary shown to a person without flooding it: sanitized as text
    /// from strangers is (<see cref="Output.UntrustedText"/>), cut at 60 characters on a code-point boundary, and written
    /// as a JSON string literal, so that a name can neither start a new line nor close its own quotes.
    /// </summary>
    public static string Quote(string value)
    {
        var text = Output.UntrustedText.Sanitize(value);
        if (text.Length > 60)
        {
            text = text[..(char.IsHighSurrogate(text[59]) ? 59 : 60)] + "…";
        }

        return Output.UntrustedText.Quote(text);
    }

    [GeneratedRegex(@"^[^@\s""(),:;<>\[\\\]]+@(?:[A-Za-z0-9\p{L}](?:[A-Za-z0-9\p{L}-]{0,61}[A-Za-z0-9\p{L}])?\.)+[A-Za-z\p{L}]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();

    [GeneratedRegex(@"^[A-Za-z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyCode();
}
