using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Klaviyo.Mcp.Tools.Events;

[Description("The metric (kind of activity) the event is recorded under; Klaviyo creates it on first use.")]
public sealed record EventMetricArgument
{
    [Required]
    [Description("1 to 127 characters, e.g. Placed Order.")]
    public string? Name { get; init; }

    [Description("Advanced; default api.")]
    public string? Service { get; init; }
}
