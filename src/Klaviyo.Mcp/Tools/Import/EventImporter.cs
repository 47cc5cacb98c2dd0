using Klaviyo.Client;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Tools.Events;
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

    internal static readonly ToolCallDescriptor Operation = new("import_events", "bulk_create_events", new ArgumentPointerMap());

    public async Task<EventImportResult> RunAsync(string path, EventImportMapping mapping, bool dryRun, bool restart, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var outcome = await new FileImportRunner(settings).RunAsync(new EventImportKind(klaviyo, validator, mapping), path, dryRun, restart, progress, cancellationToken).ConfigureAwait(false);
        var (file, format, statePath, run) = (outcome.File, outcome.Format, outcome.StatePath, outcome.Run);
        if (outcome.AlreadyComplete)
        {
            var checkpoint = run.Checkpoint;
            return new EventImportResult
            {
                File = file.FullName, Format = format, Completed = true, Events = checkpoint.EventsSent, JobsSubmitted = checkpoint.JobsSubmitted,
                InvalidRows = checkpoint.InvalidRows, DuplicateRows = checkpoint.DuplicateRows, StateFile = statePath,
                Note = $"This file was already imported completely (at {checkpoint.UpdatedAt:u}); nothing was sent. Pass restart: true to import it again (rows keep their unique_id, so Klaviyo does not count them twice).",
            };
        }

        var unreadable = outcome.Unreadable;
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
            ResumedAfterRows = outcome.ResumedAfter > 0 ? outcome.ResumedAfter : null,
            StateFile = dryRun ? null : statePath,
            Note = unreadable is not null
                ? $"The import stopped where the file could not be read ({unreadable}): {run.Checkpoint.EventsSent:N0} events from the rows before it were {(dryRun ? "valid (nothing was sent: dry run)" : $"sent in {run.Checkpoint.JobsSubmitted} jobs")}. Fix the file and call import_events again; rows already sent keep their unique_id, so Klaviyo does not count them twice."
                : outcome.Note ?? (run.Checkpoint.InvalidRows > run.Listed.Count ? $"Only the first {EventTools.MaxInvalidListed} invalid rows are listed." : null),
        };
    }
}
