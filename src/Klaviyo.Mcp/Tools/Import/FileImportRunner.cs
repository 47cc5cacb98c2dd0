using Klaviyo.Mcp.Validation;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// The one file-import loop, for events and profiles: resolves the file, holds the one-run-per-file lock, loads the
/// checkpoint (or starts over when the file or mapping changed), streams the rows after it, hands each to the kind to
/// map and pack, sends and checkpoints every full job, and reports progress (at most twice a second, forced after every
/// job). What differs per kind is an <see cref="IFileImportKind{TCheckpoint}"/>.
/// </summary>
internal sealed class FileImportRunner(ImportSettings settings)
{
    public async Task<FileImportOutcome<TCheckpoint>> RunAsync<TCheckpoint>(
        IFileImportKind<TCheckpoint> kind, string path, bool dryRun, bool restart, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
        where TCheckpoint : ImportCheckpoint
    {
        var file = settings.Resolve(path);
        var format = Path.GetExtension(file.FullName).TrimStart('.').ToLowerInvariant();
        var statePath = new ImportCheckpointStore(settings.StateDirectory).PathFor(file, kind.StateKind);

        // One run per file at a time: a second run would read a checkpoint the first is about to move on, and send its rows again.
        using var running = dryRun ? null : ImportFiles.Lock(statePath, kind.Tool);

        string? note = null;
        var checkpoint = dryRun || restart ? null : ImportCheckpointStore.Load(statePath, kind.CheckpointType);
        if (checkpoint is not null && !checkpoint.Matches(file, kind.Fingerprint))
        {
            note = kind.StartedOverNote;
            checkpoint = null;
        }

        if (checkpoint is not null && kind.IsComplete(checkpoint))
        {
            return new FileImportOutcome<TCheckpoint>(file, format, statePath, new ImportRun<TCheckpoint>(checkpoint, null), AlreadyComplete: true, 0, null, null);
        }

        checkpoint ??= kind.NewCheckpoint(file);
        var run = new ImportRun<TCheckpoint>(checkpoint, progress);
        var resumeAfter = checkpoint.AcknowledgedRows;
        string? unreadable = null;

        void Report(double? read, bool force) => run.Report(kind.Progress(run.Checkpoint, read), () => kind.ProgressMessage(run), force);
        double Read(long position) => file.Length == 0 ? 1 : Math.Clamp((double)position / file.Length, 0, 1);
        void Save()
        {
            run.Checkpoint = With(run.Checkpoint, c => c with { UpdatedAt = DateTimeOffset.UtcNow });
            ImportCheckpointStore.Save(statePath, run.Checkpoint, kind.CheckpointType);
        }

        if (!kind.AllRead(checkpoint))
        {
            await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            var (reader, disposable) = await ImportFiles.OpenAsync(format, stream, cancellationToken).ConfigureAwait(false);
            await using var _ = disposable;
            if (reader.Columns is { } columns)
            {
                var errors = new ArgumentErrors();
                kind.CheckColumns(columns, errors);
                errors.ThrowIfAny();
            }

            long lastOrdinal = resumeAfter;
            int? lastLine = checkpoint.AcknowledgedLine;

            async Task SendAsync()
            {
                // The checkpoint after the last acknowledged job is already on disk; nothing is in flight.
                cancellationToken.ThrowIfCancellationRequested();
                var sent = await kind.SendJobAsync(run.Checkpoint, statePath).ConfigureAwait(false);
                long doneThrough = lastOrdinal;
                int? doneLine = lastLine;
                run.Checkpoint = With(sent, c => c with { AcknowledgedRows = doneThrough, AcknowledgedLine = doneLine });
                Save();
                Report(Read(stream.Position), force: true);
            }

            await foreach (var row in ImportFiles.RowsAfterAsync(reader, format, stream, resumeAfter, cancellationToken).ConfigureAwait(false))
            {
                if (row.Unreadable is not null)
                {
                    unreadable = row.Unreadable;
                    run.Invalid(row, [row.Problem!]);
                    break;
                }

                run.RowsRead++;
                if (row.Problem is not null)
                {
                    var errors = new ArgumentErrors();
                    errors.Add("row", row.Problem);
                    run.Invalid(row, errors.Violations.Select(v => v.ToString()));
                }
                else
                {
                    await kind.AddAsync(run, row, dryRun, SendAsync).ConfigureAwait(false);
                }

                lastOrdinal = row.Ordinal;
                lastLine = row.Line;
                if (run.RowsRead % 1000 == 0)
                {
                    Report(Read(stream.Position), force: false);
                }
            }

            if (!dryRun && kind.HasJob)
            {
                await SendAsync().ConfigureAwait(false);
            }

            if (!dryRun)
            {
                run.Checkpoint = With(kind.WithAllRead(run.Checkpoint, unreadable is null), c => c with { AcknowledgedRows = lastOrdinal, AcknowledgedLine = lastLine });
                Save();
            }
        }

        if (!dryRun)
        {
            await kind.FinishAsync(run, Save, () => Report(null, force: true), cancellationToken).ConfigureAwait(false);
        }

        Report(1, force: true);
        return new FileImportOutcome<TCheckpoint>(file, format, statePath, run, AlreadyComplete: false, resumeAfter, note, unreadable);
    }

    // A record's with keeps its runtime type, so the base's members can be set on a TCheckpoint.
    private static TCheckpoint With<TCheckpoint>(TCheckpoint checkpoint, Func<ImportCheckpoint, ImportCheckpoint> change)
        where TCheckpoint : ImportCheckpoint => (TCheckpoint)change(checkpoint);
}
