namespace Klaviyo.Mcp.Validation;

/// <summary>A tool's arguments break its rules; nothing was sent to Klaviyo.</summary>
public sealed class ToolArgumentException(IReadOnlyList<ArgumentViolation> violations)
    : Exception(string.Join("; ", violations))
{
    public IReadOnlyList<ArgumentViolation> Violations { get; } = violations;

    public ToolArgumentException(string path, string rule)
        : this([new ArgumentViolation(path, rule)])
    {
    }
}
