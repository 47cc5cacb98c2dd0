using System.Text;
using System.Text.RegularExpressions;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Manifest;
using ModelContextProtocol.Protocol;

namespace Klaviyo.Mcp.Tests;

/// <summary>
/// README's table of tools, written between <see cref="Start"/> and <see cref="End"/> from each tool's descriptor (its
/// name, the first sentence of its description, its read-only and destructive annotations) and the operation of the
/// catalogue its <see cref="ToolOperationAttribute"/> names (method, path, scopes), grouped by toolset.
/// </summary>
internal static partial class ReadmeToolTable
{
    public const string Start = "<!-- START AUTOMATED TOOLS -->";
    public const string End = "<!-- END AUTOMATED TOOLS -->";

    /// <summary>The table for <paramref name="tools"/>, given in toolset order; the toolset is named on its first row only.</summary>
    public static string Render(IEnumerable<(string Toolset, Tool Tool, string OperationId)> tools)
    {
        var text = new StringBuilder();
        text.Append(Start).Append('\n');
        text.Append("| toolset | tool | what it does | kind | Klaviyo operation | scopes |\n");
        text.Append("| --- | --- | --- | --- | --- | --- |\n");
        string? previous = null;
        foreach (var (toolset, tool, operationId) in tools)
        {
            var (operation, scopes) = Operation(tool, operationId);
            text.Append("| ").Append(toolset == previous ? "" : $"`{toolset}`")
                .Append(" | `").Append(tool.Name)
                .Append("` | ").Append(Cell(FirstSentence(tool.Description ?? "")))
                .Append(" | ").Append(Kind(tool))
                .Append(" | ").Append(operation)
                .Append(" | ").Append(scopes)
                .Append(" |\n");
            previous = toolset;
        }

        return text.Append(End).ToString();
    }

    /// <summary>The text from the first character through the first sentence's end ("e.g." and "i.e." do not end one).</summary>
    public static string FirstSentence(string description)
    {
        foreach (Match end in SentenceEnd().Matches(description))
        {
            var sentence = description[..(end.Index + 1)];
            if (!sentence.EndsWith("e.g.", StringComparison.Ordinal) && !sentence.EndsWith("i.e.", StringComparison.Ordinal))
            {
                return sentence;
            }
        }

        return description.Trim();
    }

    private static string Kind(Tool tool) =>
        tool.Annotations?.ReadOnlyHint == true ? "read-only" : tool.Annotations?.DestructiveHint == false ? "write" : "**destructive**";

    private static (string Operation, string Scopes) Operation(Tool tool, string operationId)
    {
        if (operationId == ToolOperationAttribute.WholeApi)
        {
            // find_operations and describe_operation only read the embedded catalogue (closed-world); call_operation calls any operation.
            return tool.Annotations?.OpenWorldHint == false
                ? ("none: reads the embedded catalogue", "none")
                : ("any (`operation` argument)", "the operation's");
        }

        var operation = OperationCatalog.Default.Find(operationId)
            ?? throw new InvalidOperationException($"{tool.Name} names {operationId}, which is not in the operation catalogue");
        return ($"`{operation.Method} {operation.Path}`", string.Join(", ", operation.Scopes.Select(s => $"`{s}`")));
    }

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    [GeneratedRegex(@"[.!?](?=\s|$)")]
    private static partial Regex SentenceEnd();
}
