namespace Klaviyo.Mcp.Validation;

/// <summary>
/// A tool's arguments break its rules, or name something that does not exist (a list name, say). Nothing was
/// changed in Klaviyo; <see cref="NothingSent"/> tells whether lookups were made first.
/// </summary>
public sealed class ToolArgumentException(IReadOnlyList<ArgumentViolation> violations, bool nothingSent = true)
    : Exception(string.Join("; ", violations))
{
    public IReadOnlyList<ArgumentViolation> Violations { get; } = violations;

    public bool NothingSent { get; } = nothingSent;

    public ToolArgumentException(string path, string rule, bool nothingSent = true)
        : this([new ArgumentViolation(path, rule)], nothingSent)
    {
    }
}
