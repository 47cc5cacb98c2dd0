using System.Globalization;
using Klaviyo.Client;
using Klaviyo.Client.Events;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Imports events from a CSV, JSON Lines or JSON array file: streamed row by row, validated with create_event's rules,
/// packed into bulk jobs, sent within the bulk endpoint's limits, and checkpointed after every acknowledged job so that
/// a run that stopped (crash, cancellation, failure) resumes after the last acknowledged job.
/// </summary>
public sealed class EventImporter(KlaviyoClient klaviyo, EventArgumentsValidator validator, ImportSettings settings, ILogger<EventImporter> logger)
{
    /// <summary>How long one job may wait for the bulk endpoint's rate limit (150/min means waits of up to a minute are normal).</summary>
    public static readonly TimeSpan MaxJobRateLimitWait = TimeSpan.FromMinutes(10);

    internal static readonly KlaviyoOperation Operation = new("import_events", "bulk_create_events", new ArgumentPointerMap());

    public async Task<EventImportResult> RunAsync(string path, EventImportMapping mapping, bool dryRun, bool restart, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var file = settings.Resolve(path);
        var format = Path.GetExtension(file.FullName).TrimStart('.').ToLowerInvariant();
        var mapper = new EventRowMapper(mapping);
        var store = new ImportCheckpointStore(settings.StateDirectory);
        var statePath = store.PathFor(file);
        var fingerprint = mapping.Fingerprint();

        // One run per file at a time: a second run would read a checkpoint the first is about to move on, and send its rows again.
        using var running = dryRun ? null : ImportFiles.Lock(statePath, "import_events");

        string? note = null;
        var checkpoint = dryRun || restart ? null : ImportCheckpointStore.Load(statePath, KlaviyoMcpJsonContext.Default.EventImportCheckpoint);
        if (checkpoint is not null && !checkpoint.Matches(file, fingerprint))
        {
            note = "The file or the mapping changed since the last run, so the import started over; rows sent before keep their unique_id and are not counted twice.";
            checkpoint = null;
        }

        if (checkpoint is { Completed: true })
        {
            return new EventImportResult
            {
                File = file.FullName, Format = format, Completed = true, Events = checkpoint.EventsSent, JobsSubmitted = checkpoint.JobsSubmitted,
                InvalidRows = checkpoint.InvalidRows, DuplicateRows = checkpoint.DuplicateRows, StateFile = statePath,
                Note = $"This file was already imported completely (at {checkpoint.UpdatedAt:u}); nothing was sent. Pass restart: true to import it again (rows keep their unique_id, so Klaviyo does not count them twice).",
            };
        }

        checkpoint ??= new EventImportCheckpoint { File = file.FullName, Size = file.Length, LastWriteUtc = file.LastWriteTimeUtc, Mapping = fingerprint };
        var resumeAfter = checkpoint.AcknowledgedRows;

        await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var (reader, disposable) = await ImportFiles.OpenAsync(format, stream, cancellationToken).ConfigureAwait(false);
        await using var _ = disposable;
        if (reader.Columns is { } columns)
        {
            var errors = new ArgumentErrors();
            mapper.CheckColumns(columns, errors);
            errors.ThrowIfAny();
        }

        var run = new ImportRun<EventImportCheckpoint>(checkpoint, progress);
        void Report(long position, bool force) => run.Report(
            file.Length == 0 ? 1 : Math.Clamp((double)position / file.Length, 0, 1),
            () => string.Create(CultureInfo.InvariantCulture,
                $"{run.RowsRead:N0} rows read, {run.Checkpoint.EventsSent:N0} events sent, {run.Checkpoint.JobsSubmitted} jobs done, {run.Checkpoint.InvalidRows:N0} invalid"),
            force);

        var builder = new BulkJobBuilder();
        long lastOrdinal = resumeAfter;
        int? lastLine = checkpoint.AcknowledgedLine;

        async Task SendAsync(long doneThrough, int? doneLine)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // The checkpoint after the last acknowledged job is already on disk; nothing is in flight.
                throw new OperationCanceledException(cancellationToken);
            }

            var job = builder.Writer;
            var resume = $"{run.Checkpoint.AcknowledgedRows:N0} rows were done before this failure (checkpointed in {statePath}); call import_events again with the same path to resume after them.";
            // Not cancelled in flight: a job Klaviyo may already have acknowledged is waited for, so the checkpoint stays true.
            await KlaviyoCalls.RunAsync(Operation, () => klaviyo.BulkCreateEventsAsync(job, CancellationToken.None, MaxJobRateLimitWait), resume).ConfigureAwait(false);
            run.Checkpoint = run.Checkpoint with
            {
                AcknowledgedRows = doneThrough,
                AcknowledgedLine = doneLine,
                EventsSent = run.Checkpoint.EventsSent + builder.Count,
                JobsSubmitted = run.Checkpoint.JobsSubmitted + 1,
                UpdatedAt = DateTimeOffset.UtcNow,
            };
            ImportCheckpointStore.Save(statePath, run.Checkpoint, KlaviyoMcpJsonContext.Default.EventImportCheckpoint);
            builder = new BulkJobBuilder();
            Report(stream.Position, force: true);
        }

        string? unreadable = null;
        await foreach (var row in ImportFiles.RowsAfterAsync(reader, format, stream, resumeAfter, cancellationToken).ConfigureAwait(false))
        {
            if (row.Unreadable is not null)
            {
                unreadable = row.Unreadable;
                run.Invalid(row, [row.Problem!]);
                break;
            }

            run.RowsRead++;
            var errors = new ArgumentErrors();
            PreparedEvent? prepared = null;
            if (row.Problem is not null)
            {
                errors.Add("row", row.Problem);
            }
            else
            {
                var arguments = mapper.Map(row.Fields, errors);
                prepared = validator.Prepare(arguments, "", errors, EventArgumentsValidator.ContentId("imp_", row.Content));
            }

            if (prepared is null || errors.Any)
            {
                run.Invalid(row, errors.Violations.Select(v => v.ToString()));
            }
            else if (dryRun)
            {
                run.Valid++;
            }
            else
            {
                var added = builder.TryAdd(prepared, (int)Math.Min(row.Ordinal, int.MaxValue));
                if (added.Outcome == BulkAddOutcome.Full)
                {
                    await SendAsync(lastOrdinal, lastLine).ConfigureAwait(false);
                    added = builder.TryAdd(prepared, (int)Math.Min(row.Ordinal, int.MaxValue));
                }

                switch (added.Outcome)
                {
                    case BulkAddOutcome.Duplicate:
                        run.Duplicate(row, $"row: repeats the unique_id, profile and metric of an earlier row in the same job (row {added.DuplicateOf}); Klaviyo would fail the whole job, so it was skipped");
                        break;
                    case BulkAddOutcome.TooLarge:
                        run.Invalid(row, [$"row: is {added.Bytes:N0} bytes as a bulk job on its own; Klaviyo accepts at most 5 MB"]);
                        break;
                }
            }

            lastOrdinal = row.Ordinal;
            lastLine = row.Line;
            if (run.RowsRead % 1000 == 0)
            {
                Report(stream.Position, force: false);
            }
        }

        if (!dryRun && builder.Count > 0)
        {
            await SendAsync(lastOrdinal, lastLine).ConfigureAwait(false);
        }

        if (!dryRun)
        {
            run.Checkpoint = run.Checkpoint with { AcknowledgedRows = lastOrdinal, AcknowledgedLine = lastLine, Completed = unreadable is null, UpdatedAt = DateTimeOffset.UtcNow };
            ImportCheckpointStore.Save(statePath, run.Checkpoint, KlaviyoMcpJsonContext.Default.EventImportCheckpoint);
        }

        Report(stream.Length, force: true);
        logger.LogInformation("Import of {File}: {Rows} rows read, {Jobs} jobs, {Invalid} invalid", file.Name, run.RowsRead, run.Checkpoint.JobsSubmitted, run.Checkpoint.InvalidRows);
        return new EventImportResult
        {
            File = file.FullName,
            Format = format,
            DryRun = dryRun,
            Completed = !dryRun && unreadable is null,
            RowsRead = run.RowsRead,
            Events = dryRun ? run.Valid : run.Checkpoint.EventsSent,
            JobsSubmitted = run.Checkpoint.JobsSubmitted,
            InvalidRows = run.Checkpoint.InvalidRows,
            DuplicateRows = run.Checkpoint.DuplicateRows,
            Invalid = run.Listed.Count == 0 ? null : run.Listed,
            ResumedAfterRows = resumeAfter > 0 ? resumeAfter : null,
            StateFile = dryRun ? null : statePath,
            Note = unreadable is not null
                ? $"The import stopped where the file could not be read ({unreadable}): {run.Checkpoint.EventsSent:N0} events from the rows before it were {(dryRun ? "valid (nothing was sent: dry run)" : $"sent in {run.Checkpoint.JobsSubmitted} jobs")}. Fix the file and call import_events again; rows already sent keep their unique_id, so Klaviyo does not count them twice."
                : note ?? (run.Checkpoint.InvalidRows > run.Listed.Count ? $"Only the first {EventTools.MaxInvalidListed} invalid rows are listed." : null),
        };
    }
}
