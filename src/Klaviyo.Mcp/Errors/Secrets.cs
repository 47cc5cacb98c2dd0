namespace Klaviyo.Mcp.Errors;

/// <summary>Last line of defence: removes the API key from any text that leaves the server.</summary>
public static class Secrets
{
    public const string Mask = "[redacted]";

    public static string Redact(string text, string? secret) =>
        string.IsNullOrEmpty(secret) || secret.Length < 4 ? text : text.Replace(secret, Mask, StringComparison.Ordinal);
}
