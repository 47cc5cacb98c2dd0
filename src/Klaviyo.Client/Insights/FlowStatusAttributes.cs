namespace Klaviyo.Client.Insights;

public sealed record FlowStatusAttributes(string Status);
