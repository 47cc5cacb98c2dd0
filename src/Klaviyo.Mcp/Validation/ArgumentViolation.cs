namespace Klaviyo.Mcp.Validation;

/// <summary>One broken rule: the argument's path (e.g. <c>profile.email</c>, <c>events[3].time</c>) and what is wrong with it.</summary>
public sealed record ArgumentViolation(string Path, string Rule)
{
    public override string ToString() => $"{Path}: {Rule}";
}
