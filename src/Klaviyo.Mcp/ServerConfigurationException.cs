namespace Klaviyo.Mcp;

/// <summary>The environment holds values the server cannot start with.</summary>
public sealed class ServerConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:\n- " + string.Join("\n- ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
