using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Klaviyo.Client;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Imports profiles from a CSV, JSON Lines or JSON array file: streamed, validated with the profile tools' rules, sent
/// as bulk_import_profiles jobs (10,000 profiles and 5 MB at most), checkpointed after every accepted job, then each
/// job polled until it finishes and its import errors mapped back to file lines.
/// </summary>
public sealed partial class ProfileImporter(KlaviyoClient klaviyo, ImportSettings settings, BulkJobPolling polling, TimeProvider time, ILogger<ProfileImporter> logger)
{
    public const int MaxProfilesPerJob = 10_000;
    public const int MaxJobBytes = 5_000_000;
    public const int MaxProfileBytes = 100 * 1024;

    internal static readonly KlaviyoOperation Operation = new("import_profiles", "bulk_import_profiles", new ArgumentPointerMap());

    private static readonly ApiOperation s_errors = OperationCatalog.Default.Find("get_errors_for_bulk_import_profiles_job")!;
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public async Task<ProfileImportResult> RunAsync(string path, ProfileImportMapping mapping, string? listId, bool dryRun, bool restart, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var file = settings.Resolve(path);
        var format = Path.GetExtension(file.FullName).TrimStart('.').ToLowerInvariant();
        var mapper = new ProfileRowMapper(mapping);
        var store = new ImportCheckpointStore(settings.StateDirectory);
        var statePath = store.PathFor(file, "klaviyo-profile-import");
        var fingerprint = mapping.Fingerprint() + "|list=" + listId;
        var type = KlaviyoMcpJsonContext.Default.ProfileImportCheckpoint;

        using var running = dryRun ? null : ImportFiles.Lock(statePath, "import_profiles");

        string? note = null;
        var checkpoint = dryRun || restart ? null : ImportCheckpointStore.Load(statePath, type);
        if (checkpoint is not null && !checkpoint.Matches(file, fingerprint))
        {
            note = "The file, the mapping or the list changed since the last run, so the import started over.";
            checkpoint = null;
        }

        if (checkpoint is { AllSent: true } && checkpoint.Jobs.All(j => j.Done))
        {
            return Result(file, format, checkpoint, statePath, 0, 0, [], false, null,
                $"This file was already imported completely (at {checkpoint.UpdatedAt:u}); nothing was sent. Pass restart: true to import it again.");
        }

        checkpoint ??= new ProfileImportCheckpoint { File = file.FullName, Size = file.Length, LastWriteUtc = file.LastWriteTimeUtc, Mapping = fingerprint };
        var state = new ImportRun<ProfileImportCheckpoint>(checkpoint, progress);

        // Reading is 80% of the way, polling the rest; position -1 means polling.
        void Report(long position, bool force)
        {
            var jobs = state.Checkpoint.Jobs.Count;
            var done = state.Checkpoint.Jobs.Count(j => j.Done);
            state.Report(
                position >= 0 ? 0.8 * (file.Length == 0 ? 1 : Math.Clamp((double)position / file.Length, 0, 1)) : 0.8 + (0.2 * (jobs == 0 ? 1 : (double)done / jobs)),
                () => string.Create(CultureInfo.InvariantCulture, $"{state.RowsRead:N0} rows read, {jobs} jobs accepted, {done} jobs complete, {state.Checkpoint.InvalidRows:N0} invalid"),
                force);
        }

        var resumeAfter = checkpoint.AcknowledgedRows;
        string? unreadable = null;

        void Save() => ImportCheckpointStore.Save(statePath, state.Checkpoint with { UpdatedAt = DateTimeOffset.UtcNow }, type);

        if (!checkpoint.AllSent)
        {
            await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            var (reader, disposable) = await ImportFiles.OpenAsync(format, stream, cancellationToken).ConfigureAwait(false);
            await using var _ = disposable;
            if (reader.Columns is { } columns)
            {
                var errors = new ArgumentErrors();
                mapper.CheckColumns(columns, errors);
                errors.ThrowIfAny();
            }

            var job = new ProfileImportJobBuilder(listId);
            var profile = new ArrayBufferWriter<byte>(4096);
            using var profileWriter = new Utf8JsonWriter(profile, s_writerOptions);
            long lastOrdinal = resumeAfter;
            int? lastLine = checkpoint.AcknowledgedLine;

            async Task SendAsync()
            {
                cancellationToken.ThrowIfCancellationRequested();
                var body = job.ToArray();
                var resume = $"{state.Checkpoint.ProfilesSent:N0} profiles were sent in {state.Checkpoint.Jobs.Count} accepted jobs before this failure (checkpointed in {statePath}); call import_profiles again with the same path to resume after them.";
                // Not cancelled in flight: a job Klaviyo may already have accepted is waited for, so the checkpoint stays true.
                var document = await KlaviyoCalls.SendPreparedAsync(klaviyo, Operation, "bulk_import_profiles", null, "", body, CancellationToken.None, EventImporter.MaxJobRateLimitWait, resume).ConfigureAwait(false);
                var id = document.Root.ValueKind == JsonValueKind.Object && document.Data.ValueKind == JsonValueKind.Object && document.Data.TryGetProperty("id", out var value) ? value.GetString() : null;
                state.Checkpoint = state.Checkpoint with
                {
                    AcknowledgedRows = lastOrdinal,
                    AcknowledgedLine = lastLine,
                    ProfilesSent = state.Checkpoint.ProfilesSent + job.Count,
                    Jobs = [.. state.Checkpoint.Jobs, new ProfileImportJob { Id = id ?? "", Profiles = job.Count, Positions = job.Positions, Done = id is null, Status = id is null ? "unknown" : "queued" }],
                };
                Save();
                job = new ProfileImportJobBuilder(listId);
                Report(stream.Position, force: true);
            }

            await foreach (var row in ImportFiles.RowsAfterAsync(reader, format, stream, resumeAfter, cancellationToken).ConfigureAwait(false))
            {
                if (row.Unreadable is not null)
                {
                    unreadable = row.Unreadable;
                    state.Invalid(row, [row.Problem!]);
                    break;
                }

                state.RowsRead++;
                var errors = new ArgumentErrors();
                (string? Email, string? Phone, string? ExternalId)? identifiers = null;
                profile.ResetWrittenCount();
                profileWriter.Reset(profile);
                if (row.Problem is not null)
                {
                    errors.Add("row", row.Problem);
                }
                else
                {
                    identifiers = mapper.Map(row.Fields, errors, profileWriter);
                    profileWriter.Flush();
                }

                if (identifiers is null || errors.Any)
                {
                    state.Invalid(row, errors.Violations.Select(v => v.ToString()));
                }
                else if (profile.WrittenCount > MaxProfileBytes)
                {
                    state.Invalid(row, [$"row: is {profile.WrittenCount:N0} bytes as a profile; Klaviyo accepts at most 100 KB per profile"]);
                }
                else
                {
                    var position = row.Line ?? row.Item ?? 0;
                    if (!job.Fits(profile.WrittenCount))
                    {
                        if (dryRun)
                        {
                            job = new ProfileImportJobBuilder(listId);
                        }
                        else
                        {
                            await SendAsync().ConfigureAwait(false);
                        }
                    }

                    if (job.DuplicateOf(identifiers.Value) is { } earlier)
                    {
                        state.Duplicate(row, $"row: repeats the {earlier.Identifier} of {(row.Item is null ? "line" : "item")} {earlier.Position} in the same job; skipped, not merged (import it in a separate run to apply both)");
                    }
                    else
                    {
                        job.Add(profile.WrittenSpan, identifiers.Value, position);
                        state.Valid++;
                    }
                }

                lastOrdinal = row.Ordinal;
                lastLine = row.Line;
                if (state.RowsRead % 1000 == 0)
                {
                    Report(stream.Position, force: false);
                }
            }

            if (!dryRun && job.Count > 0)
            {
                await SendAsync().ConfigureAwait(false);
            }

            if (!dryRun)
            {
                state.Checkpoint = state.Checkpoint with { AcknowledgedRows = lastOrdinal, AcknowledgedLine = lastLine, AllSent = unreadable is null };
                Save();
            }
        }

        if (!dryRun)
        {
            await PollAsync(state, format, Save, () => Report(-1, force: true), cancellationToken).ConfigureAwait(false);
        }

        Report(file.Length, force: true);
        logger.LogInformation("Profile import of {File}: {Rows} rows read, {Jobs} jobs, {Invalid} invalid", file.Name, state.RowsRead, state.Checkpoint.Jobs.Count, state.Checkpoint.InvalidRows);
        var listed = state.Checkpoint.InvalidRows > state.Listed.Count ? $"Only the first {EventTools.MaxInvalidListed} invalid rows are listed." : null;
        return Result(file, format, state.Checkpoint, dryRun ? null : statePath, state.RowsRead, dryRun ? state.Valid : null, state.Listed, dryRun, resumeAfter > 0 ? resumeAfter : null,
            unreadable is not null
                ? $"The import stopped where the file could not be read ({unreadable}): the rows before it were {(dryRun ? "checked (dry run: nothing was sent)" : "sent")}. Fix the file and call import_profiles again."
                : note ?? listed, unreadable is null);
    }

    private async Task PollAsync(ImportRun<ProfileImportCheckpoint> state, string format, Action save, Action report, CancellationToken cancellationToken)
    {
        for (var j = 0; j < state.Checkpoint.Jobs.Count; j++)
        {
            var job = state.Checkpoint.Jobs[j];
            if (job.Done)
            {
                continue;
            }

            var index = j;
            await new JobPoller(time, polling).PollAsync(
                async (_, cancel) =>
                {
                    var document = await KlaviyoCalls.SendPreparedAsync(klaviyo, Operation, "get_bulk_import_profiles_job", new Dictionary<string, string?> { ["job_id"] = job.Id }, "", null, cancel, EventImporter.MaxJobRateLimitWait,
                        $"Job {job.Id} was accepted and is checkpointed; call import_profiles again to collect its results.").ConfigureAwait(false);
                    var attributes = document.Root.ValueKind == JsonValueKind.Object && document.Data.ValueKind == JsonValueKind.Object && document.Data.TryGetProperty("attributes", out var a) ? a : default;
                    var status = Text(attributes, "status");
                    job = job with { Status = status, CompletedCount = Number(attributes, "completed_count"), FailedCount = Number(attributes, "failed_count") };
                    if (status is "complete" or "cancelled")
                    {
                        if (job.FailedCount > 0)
                        {
                            await CollectErrorsAsync(state, job, format, cancel).ConfigureAwait(false);
                        }

                        job = job with { Done = true };
                    }

                    state.Checkpoint = state.Checkpoint with { Jobs = [.. state.Checkpoint.Jobs.Select((x, i) => i == index ? job : x)] };
                    if (job.Done)
                    {
                        save();
                        report();
                    }
                    else if (status is null)
                    {
                        throw new ToolFailureException($"Klaviyo's answer about job {job.Id} had no status; the job was accepted and is checkpointed, so call import_profiles again later to collect its results.");
                    }

                    return (job.Done, status);
                },
                (status, _) => new ToolFailureException($"Klaviyo has not finished import job {job.Id} after {polling.MaxWait.TotalMinutes:0} minutes (status {status}); every job was accepted and is checkpointed, so call import_profiles again later to collect the results."),
                waiting: null,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CollectErrorsAsync(ImportRun<ProfileImportCheckpoint> state, ProfileImportJob job, string format, CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var query = s_errors.BuildQueryString(new Dictionary<string, JsonElement> { ["page[size]"] = JsonSerializer.SerializeToElement(100, KlaviyoMcpJsonContext.Default.Int32) }, cursor);
            var page = await KlaviyoCalls.SendPreparedAsync(klaviyo, Operation, "get_errors_for_bulk_import_profiles_job", new Dictionary<string, string?> { ["id"] = job.Id }, query, null, cancellationToken).ConfigureAwait(false);
            foreach (var error in page.Resources)
            {
                if (state.Checkpoint.Failures.Count >= EventTools.MaxInvalidListed)
                {
                    return;
                }

                var attributes = error.TryGetProperty("attributes", out var a) ? a : default;
                var pointer = attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object ? Text(source, "pointer") : null;
                int? position = pointer is not null && ProfileIndex().Match(pointer) is { Success: true } match ? job.PositionOf(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)) : null;
                var detail = $"klaviyo job {job.Id}: {Text(attributes, "code")}: {Text(attributes, "detail") ?? Text(attributes, "title")}";
                if (position is null && attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("original_payload", out var payload) && payload.ValueKind == JsonValueKind.Object)
                {
                    var raw = payload.GetRawText();
                    detail += " (profile " + (raw.Length <= 300 ? raw : raw[..300] + "…") + ")";
                }

                state.Checkpoint = state.Checkpoint with
                {
                    Failures = [.. state.Checkpoint.Failures, new InvalidItem { Line = format == "json" ? null : position, Item = format == "json" ? position : null, Errors = [detail] }],
                };
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private static ProfileImportResult Result(FileInfo file, string format, ProfileImportCheckpoint checkpoint, string? statePath, long rowsRead, long? dryRunValid,
        List<InvalidItem> listed, bool dryRun, long? resumedAfter, string? note, bool readAll = true) => new()
    {
        File = file.FullName,
        Format = format,
        DryRun = dryRun,
        Completed = !dryRun && readAll && checkpoint.AllSent && checkpoint.Jobs.All(j => j.Done),
        RowsRead = rowsRead,
        Valid = dryRunValid ?? checkpoint.ProfilesSent,
        InvalidRows = checkpoint.InvalidRows,
        DuplicateRows = checkpoint.DuplicateRows,
        Invalid = listed.Count == 0 ? null : listed,
        Jobs = checkpoint.Jobs.Count == 0 ? null : [.. checkpoint.Jobs.Select(j => new ProfileImportJobResult(j.Id, j.Profiles, j.Status, j.CompletedCount, j.FailedCount))],
        CompletedCount = checkpoint.Jobs.Sum(j => (long)j.CompletedCount),
        FailedCount = checkpoint.Jobs.Sum(j => (long)j.FailedCount),
        Failed = checkpoint.Failures.Count == 0 ? null : checkpoint.Failures,
        ResumedAfterRows = resumedAfter,
        StateFile = statePath,
        Note = note,
    };

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;

    [GeneratedRegex(@"^/data/attributes/profiles/data/(\d+)(/|$)")]
    private static partial Regex ProfileIndex();
}
