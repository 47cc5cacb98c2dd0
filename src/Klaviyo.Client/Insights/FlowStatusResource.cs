using System.Text.Json.Serialization;

namespace Klaviyo.Client.Insights;

/// <summary>The body of Update Flow Status (<c>FlowUpdateQuery</c>).</summary>
public sealed record FlowStatusResource(string Id, FlowStatusAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "flow";
}
