using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Klaviyo.Mcp.Tools.Events;

[Description("The metric (kind of activity) the event is recorded under; Klaviyo creates it on first use.")]
public sealed record EventMetricArgument
{
    [Required]
    [Description("Metric name, 1 to 127 characters, e.g. \"Placed Order\" or \"Viewed Product\". Required.")]
    public string? Name { get; init; }

    [Description("Advanced: the service that records the metric. Leave unset to use Klaviyo's default (\"api\").")]
    public string? Service { get; init; }
}
