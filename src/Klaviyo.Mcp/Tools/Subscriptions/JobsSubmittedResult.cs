using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Subscriptions;

[Description("Klaviyo accepted the bulk jobs; it processes them asynchronously.")]
public sealed record JobsSubmittedResult
{
    [Description("How many bulk jobs (requests) were sent; large calls are split to fit Klaviyo's per-request limit.")]
    public required int JobsSubmitted { get; init; }

    [Description("How many profiles (or emails) the jobs carry.")]
    public required int Profiles { get; init; }

    [Description("The channels affected, if the tool has channels.")]
    public IReadOnlyList<string>? Channels { get; init; }

    [Description("The list the jobs apply to, if any.")]
    public string? ListId { get; init; }

    [Description("What happens next.")]
    public required string Note { get; init; }
}
