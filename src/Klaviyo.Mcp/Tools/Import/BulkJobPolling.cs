namespace Klaviyo.Mcp.Tools.Import;

/// <summary>How often bulk jobs (profile imports, coupon codes) are polled until they finish: every <see cref="Interval"/>; tests shorten it.</summary>
public sealed class BulkJobPolling : IJobPollSchedule
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one job is polled before the tool gives up (the checkpoint lets a later call collect it).</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(30);

    TimeSpan IJobPollSchedule.FirstDelay => Interval;

    TimeSpan IJobPollSchedule.MaxDelay => Interval;
}
