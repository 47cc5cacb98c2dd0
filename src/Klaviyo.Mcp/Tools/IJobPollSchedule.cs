namespace Klaviyo.Mcp.Tools;

/// <summary>
/// When <see cref="JobPoller"/> asks about a job again: after <see cref="FirstDelay"/>, each wait doubled up to
/// <see cref="MaxDelay"/>, for at most <see cref="MaxWait"/>. Each kind of job registers its own (tests shorter ones).
/// </summary>
public interface IJobPollSchedule
{
    TimeSpan FirstDelay { get; }

    TimeSpan MaxDelay { get; }

    TimeSpan MaxWait { get; }
}
