using Microsoft.Extensions.Time.Testing;

namespace Klaviyo.Testing;

/// <summary>
/// A fake clock (<see cref="FakeTimeProvider"/>) that also tells a test when the code under test has started waiting:
/// advancing the clock before the wait's timer exists would leave that timer a whole wait to go. A test waits for the
/// timer it expects (<see cref="WaitForTimerAsync"/>), then advances.
/// </summary>
public sealed class WatchedFakeTime(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _fake = new(start);
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Started(dueTime);
        return new WatchedTimer(_fake.CreateTimer(callback, state, dueTime, period), this);
    }

    /// <summary>Notes a timer set to fire in <paramref name="dueTime"/>: when created, or changed (Task.Delay creates its timer stopped, then sets it).</summary>
    private void Started(TimeSpan dueTime)
    {
        lock (_gate)
        {
            _dueTimes.Add(dueTime);
        }
    }

    public void Advance(TimeSpan by) => _fake.Advance(by);

    /// <summary>Waits (in real time, up to 10 s) until a timer whose due time <paramref name="matches"/> has been created.</summary>
    public async Task WaitForTimerAsync(Func<TimeSpan, bool> matches, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            lock (_gate)
            {
                if (_dueTimes.Exists(d => matches(d)))
                {
                    return;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                lock (_gate)
                {
                    throw new TimeoutException($"the code under test did not start the wait the test expected; timers due in: {string.Join(", ", _dueTimes)}");
                }
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private sealed class WatchedTimer(ITimer timer, WatchedFakeTime time) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            time.Started(dueTime);
            return timer.Change(dueTime, period);
        }

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
