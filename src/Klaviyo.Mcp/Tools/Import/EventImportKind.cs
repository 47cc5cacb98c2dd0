using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Klaviyo.Client;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// import_events' part of a file import: rows become events with create_event's rules (a content-derived unique_id
/// when the row has none), packed by <see cref="BulkJobBuilder"/> and sent as bulk_create_events jobs.
/// </summary>
internal sealed class EventImportKind(KlaviyoClient klaviyo, EventArgumentsValidator validator, EventImportMapping mapping) : IFileImportKind<EventImportCheckpoint>
{
    private readonly EventRowMapper _mapper = new(mapping);
    private BulkJobBuilder _job = new();

    public string Tool => "import_events";

    public string StateKind => "klaviyo-import";

    public string Fingerprint { get; } = mapping.Fingerprint();

    public string StartedOverNote => "The file or the mapping changed since the last run, so the import started over; rows sent before keep their unique_id and are not counted twice.";

    public JsonTypeInfo<EventImportCheckpoint> CheckpointType => ToolJsonContext.Default.EventImportCheckpoint;

    public bool HasJob => _job.Count > 0;

    public EventImportCheckpoint NewCheckpoint(FileInfo file) =>
        new() { File = file.FullName, Size = file.Length, LastWriteUtc = file.LastWriteTimeUtc, Mapping = Fingerprint };

    public bool IsComplete(EventImportCheckpoint checkpoint) => checkpoint.Completed;

    public bool AllRead(EventImportCheckpoint checkpoint) => checkpoint.Completed;

    public EventImportCheckpoint WithAllRead(EventImportCheckpoint checkpoint, bool allRead) => checkpoint with { Completed = allRead };

    public void CheckColumns(IReadOnlyList<string> columns, ArgumentErrors errors) => _mapper.CheckColumns(columns, errors);

    public async Task AddAsync(ImportRun<EventImportCheckpoint> run, ImportRow row, bool dryRun, Func<Task> sendJob)
    {
        var errors = new ArgumentErrors();
        var arguments = _mapper.Map(row.Fields, errors);
        var prepared = validator.Prepare(arguments, "", errors, EventArgumentsValidator.ContentId("imp_", row.Content));
        if (prepared is null || errors.Any)
        {
            run.Invalid(row, errors.Violations.Select(v => v.ToString()));
            return;
        }

        if (dryRun)
        {
            run.Valid++;
            return;
        }

        var added = _job.TryAdd(prepared, (int)Math.Min(row.Ordinal, int.MaxValue));
        if (added.Outcome == BulkAddOutcome.Full)
        {
            await sendJob().ConfigureAwait(false);
            added = _job.TryAdd(prepared, (int)Math.Min(row.Ordinal, int.MaxValue));
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

    public async Task<EventImportCheckpoint> SendJobAsync(EventImportCheckpoint checkpoint, string statePath)
    {
        var job = _job.Writer;
        var resume = $"{checkpoint.AcknowledgedRows:N0} rows were done before this failure (checkpointed in {statePath}); call import_events again with the same path to resume after them.";
        // Not cancelled in flight: a job Klaviyo may already have acknowledged is waited for, so the checkpoint stays true.
        await KlaviyoCalls.RunAsync(EventImporter.Operation, () => klaviyo.BulkCreateEventsAsync(job, CancellationToken.None, EventImporter.MaxJobRateLimitWait), resume).ConfigureAwait(false);
        var sent = checkpoint with { EventsSent = checkpoint.EventsSent + _job.Count, JobsSubmitted = checkpoint.JobsSubmitted + 1 };
        _job = new BulkJobBuilder();
        return sent;
    }

    public Task FinishAsync(ImportRun<EventImportCheckpoint> run, Action save, Action report, CancellationToken cancellationToken) => Task.CompletedTask;

    public double Progress(EventImportCheckpoint checkpoint, double? read) => read ?? 1;

    public string ProgressMessage(ImportRun<EventImportCheckpoint> run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.RowsRead:N0} rows read, {run.Checkpoint.EventsSent:N0} events sent, {run.Checkpoint.JobsSubmitted} jobs done, {run.Checkpoint.InvalidRows:N0} invalid");
}
