using Klaviyo.Mcp.Tools;
using Klaviyo.Mcp.Tools.Authoring;

namespace Klaviyo.Mcp.Tests;

public sealed class JobPollerTests
{
    private static readonly EstimatePolling s_schedule = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Waits_double_up_to_the_longest_and_stop_once_the_job_has_finished()
    {
        var clock = new InstantClock();
        var attempts = new List<int>();

        await new JobPoller(clock, s_schedule).PollAsync(
            (attempt, _) =>
            {
                attempts.Add(attempt);
                return Task.FromResult((attempt == 4, (string?)"processing"));
            },
            (_, _) => new InvalidOperationException("not expected"),
            waiting: null,
            CancellationToken.None);

        Assert.Equal([1, 2, 3, 4], attempts);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], clock.Delays);
    }

    [Fact]
    public async Task A_job_still_running_after_the_longest_wait_ends_with_the_callers_failure_after_reporting_each_wait()
    {
        var clock = new InstantClock();
        var waits = new List<(int Attempt, string? Status, TimeSpan Waited)>();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => new JobPoller(clock, s_schedule).PollAsync(
            (_, _) => Task.FromResult((false, (string?)"processing")),
            (status, waited) => new TimeoutException($"{status} after {waited.TotalSeconds:0} s"),
            (attempt, status, waited) => waits.Add((attempt, status, waited)),
            CancellationToken.None));

        Assert.Equal("processing after 11 s", failure.Message);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)], clock.Delays);
        Assert.Equal([(1, "processing", TimeSpan.Zero), (2, "processing", TimeSpan.FromSeconds(1)), (3, "processing", TimeSpan.FromSeconds(3)), (4, "processing", TimeSpan.FromSeconds(7))], waits);
    }

    /// <summary>A clock whose timers fire at once, moving its time on by their due time and recording it.</summary>
    private sealed class InstantClock : TimeProvider
    {
        private long _ticks;

        public List<TimeSpan> Delays { get; } = [];

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Delays)
            {
                Delays.Add(dueTime);
            }

            Interlocked.Add(ref _ticks, dueTime.Ticks);
            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
