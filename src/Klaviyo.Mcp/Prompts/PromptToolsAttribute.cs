namespace Klaviyo.Mcp.Prompts;

/// <summary>
/// The tools a prompt tells the agent to call. A caller who may not use every one of them is not offered the prompt
/// (<see cref="Access.AccessPolicy.PromptRefusal"/>); a test holds the list to the tool names the prompt's text mentions.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PromptToolsAttribute(params string[] tools) : Attribute
{
    public IReadOnlyList<string> Tools { get; } = tools;
}
