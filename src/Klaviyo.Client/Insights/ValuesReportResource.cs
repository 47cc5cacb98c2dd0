using System.Text.Json.Serialization;

namespace Klaviyo.Client.Insights;

/// <summary>A Reporting API values query: <c>campaign-values-report</c> or <c>flow-values-report</c>.</summary>
public sealed record ValuesReportResource([property: JsonPropertyOrder(-1)] string Type, ValuesReportAttributes Attributes)
{
    public const string CampaignType = "campaign-values-report";
    public const string FlowType = "flow-values-report";
}
