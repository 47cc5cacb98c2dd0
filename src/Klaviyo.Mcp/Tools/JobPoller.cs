namespace Klaviyo.Mcp.Tools;

/// <summary>
/// Asks Klaviyo about one asynchronous job until it has finished: profile import jobs, coupon-code jobs and the campaign
/// recipient estimate. Waits follow an <see cref="IJobPollSchedule"/> on a <see cref="TimeProvider"/> (tests use fake
/// clocks); what a job's answer means, and what to say when it takes too long, belongs to the caller.
/// </summary>
public sealed class JobPoller(TimeProvider time, IJobPollSchedule schedule)
{
    /// <summary>
    /// Calls <paramref name="poll"/> (with the attempt number, from 1) until it answers finished. Before each wait,
    /// <paramref name="waiting"/> hears the attempt, the job's status and the time waited so far (for progress); once
    /// <see cref="IJobPollSchedule.MaxWait"/> has passed, the exception from <paramref name="stillRunning"/> is thrown.
    /// </summary>
    public async Task PollAsync(
        Func<int, CancellationToken, Task<(bool Finished, string? Status)>> poll,
        Func<string?, TimeSpan, Exception> stillRunning,
        Action<int, string?, TimeSpan>? waiting,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = schedule.FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            var (finished, status) = await poll(attempt, cancellationToken).ConfigureAwait(false);
            if (finished)
            {
                return;
            }

            var waited = time.GetElapsedTime(started);
            if (waited >= schedule.MaxWait)
            {
                throw stillRunning(status, waited);
            }

            waiting?.Invoke(attempt, status, waited);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < schedule.MaxDelay ? delay * 2 : schedule.MaxDelay;
        }
    }
}
