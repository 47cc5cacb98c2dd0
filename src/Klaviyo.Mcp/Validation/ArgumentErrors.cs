namespace Klaviyo.Mcp.Validation;

/// <summary>Collects every violation in a tool call, so that one answer lists all of them.</summary>
public sealed class ArgumentErrors
{
    private readonly List<ArgumentViolation> _violations = [];

    public IReadOnlyList<ArgumentViolation> Violations => _violations;

    public bool Any => _violations.Count > 0;

    public void Add(string path, string rule) => _violations.Add(new ArgumentViolation(path, rule));

    /// <summary>Throws <see cref="ToolArgumentException"/> when anything was collected.</summary>
    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new ToolArgumentException(_violations);
        }
    }

    /// <summary>Joins a parent path and a member: <c>Join("profile", "email")</c> is <c>profile.email</c>; an empty parent gives the member.</summary>
    public static string Join(string parent, string member) => parent.Length == 0 ? member : parent + "." + member;
}
