namespace Klaviyo.Mcp.Confirmation;

/// <summary>
/// Whether tools that reach real people or cannot be undone ask the person first (<c>KLAVIYO_CONFIRM</c>, <c>--no-confirm</c>),
/// and how long a confirmation token stays valid.
/// </summary>
public sealed record ConfirmationOptions(bool Enabled = true)
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);
}
