using System.Diagnostics;
using System.Globalization;
using Klaviyo.Mcp.Tools.Events;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// One run of a file import: its checkpoint as it moves on, what it counts besides (rows read, rows valid in a dry run),
/// the invalid rows its result lists (the first <see cref="EventTools.MaxInvalidListed"/>), and its progress
/// notifications (at most two a second unless forced, each with an estimate of the time left).
/// </summary>
internal sealed class ImportRun<TCheckpoint>(TCheckpoint checkpoint, IProgress<ProgressNotificationValue>? progress)
    where TCheckpoint : ImportCheckpoint
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastReport = -1;

    public TCheckpoint Checkpoint { get; set; } = checkpoint;

    public long RowsRead { get; set; }

    public long Valid { get; set; }

    public List<InvalidItem> Listed { get; } = [];

    public void Invalid(ImportRow row, IEnumerable<string> errors)
    {
        Checkpoint = (TCheckpoint)((ImportCheckpoint)Checkpoint with { InvalidRows = Checkpoint.InvalidRows + 1 });
        Record(row, errors);
    }

    public void Duplicate(ImportRow row, string error)
    {
        Checkpoint = (TCheckpoint)((ImportCheckpoint)Checkpoint with { DuplicateRows = Checkpoint.DuplicateRows + 1 });
        Record(row, [error]);
    }

    /// <summary>Reports <paramref name="fraction"/> (0 to 1) of the work done; <paramref name="message"/> is built only when a notification goes out.</summary>
    public void Report(double fraction, Func<string> message, bool force)
    {
        if (progress is null || (!force && _clock.ElapsedMilliseconds - _lastReport < 500))
        {
            return;
        }

        _lastReport = _clock.ElapsedMilliseconds;
        var left = fraction is > 0.01 and < 1 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (1 - fraction) / fraction) : (TimeSpan?)null;
        progress.Report(new ProgressNotificationValue
        {
            Progress = (float)Math.Round(fraction * 100, 1),
            Total = 100,
            Message = message() + (left is { } l ? string.Create(CultureInfo.InvariantCulture, $", about {Math.Ceiling(l.TotalSeconds):N0} s left") : ""),
        });
    }

    private void Record(ImportRow row, IEnumerable<string> errors)
    {
        if (Listed.Count < EventTools.MaxInvalidListed)
        {
            Listed.Add(new InvalidItem { Line = row.Line, Item = row.Item, Errors = [.. errors] });
        }
    }
}
