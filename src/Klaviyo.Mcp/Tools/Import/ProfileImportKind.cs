using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Klaviyo.Client;
using Klaviyo.Client.Operations;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Output;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// import_profiles' part of a file import: rows become profiles with the profile tools' rules, packed by
/// <see cref="ProfileImportJobBuilder"/> (10,000 profiles and 5 MB at most, no identifier twice in a job) and sent as
/// bulk_import_profiles jobs; after the last row each job is polled until it finishes and its import errors are mapped
/// back to file lines.
/// </summary>
internal sealed partial class ProfileImportKind(KlaviyoClient klaviyo, BulkJobPolling polling, TimeProvider time, ProfileImportMapping mapping, string? listId)
    : IFileImportKind<ProfileImportCheckpoint>, IDisposable
{
    private static readonly ApiOperation s_errors = OperationCatalog.Default.Find("get_errors_for_bulk_import_profiles_job")!;
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly ProfileRowMapper _mapper = new(mapping);
    private readonly ArrayBufferWriter<byte> _profile = new(4096);
    private readonly Utf8JsonWriter _profileWriter = new(Stream.Null, s_writerOptions);
    private ProfileImportJobBuilder _job = new(listId);

    public string Tool => "import_profiles";

    public string StateKind => "klaviyo-profile-import";

    public string Fingerprint { get; } = mapping.Fingerprint() + "|list=" + listId;

    public string StartedOverNote => "The file, the mapping or the list changed since the last run, so the import started over.";

    public JsonTypeInfo<ProfileImportCheckpoint> CheckpointType => ToolJsonContext.Default.ProfileImportCheckpoint;

    public bool HasJob => _job.Count > 0;

    public ProfileImportCheckpoint NewCheckpoint(FileInfo file) =>
        new() { File = file.FullName, Size = file.Length, LastWriteUtc = file.LastWriteTimeUtc, Mapping = Fingerprint };

    public bool IsComplete(ProfileImportCheckpoint checkpoint) => checkpoint.AllSent && checkpoint.Jobs.All(j => j.Done);

    public bool AllRead(ProfileImportCheckpoint checkpoint) => checkpoint.AllSent;

    public ProfileImportCheckpoint WithAllRead(ProfileImportCheckpoint checkpoint, bool allRead) => checkpoint with { AllSent = allRead };

    public void CheckColumns(IReadOnlyList<string> columns, ArgumentErrors errors) => _mapper.CheckColumns(columns, errors);

    public async Task AddAsync(ImportRun<ProfileImportCheckpoint> run, ImportRow row, bool dryRun, Func<Task> sendJob)
    {
        var errors = new ArgumentErrors();
        _profile.ResetWrittenCount();
        _profileWriter.Reset(_profile);
        var identifiers = _mapper.Map(row.Fields, errors, _profileWriter);
        _profileWriter.Flush();
        if (identifiers is null || errors.Any)
        {
            run.Invalid(row, errors.Violations.Select(v => v.ToString()));
            return;
        }

        if (_profile.WrittenCount > ProfileImporter.MaxProfileBytes)
        {
            run.Invalid(row, [$"row: is {_profile.WrittenCount:N0} bytes as a profile; Klaviyo accepts at most 100 KB per profile"]);
            return;
        }

        var position = row.Line ?? row.Item ?? 0;
        if (!_job.Fits(_profile.WrittenCount))
        {
            if (dryRun)
            {
                _job = new ProfileImportJobBuilder(listId);
            }
            else
            {
                await sendJob().ConfigureAwait(false);
            }
        }

        if (_job.DuplicateOf(identifiers.Value) is { } earlier)
        {
            run.Duplicate(row, $"row: repeats the {earlier.Identifier} of {(row.Item is null ? "line" : "item")} {earlier.Position} in the same job; skipped, not merged (import it in a separate run to apply both)");
        }
        else
        {
            _job.Add(_profile.WrittenSpan, identifiers.Value, position);
            run.Valid++;
        }
    }

    public async Task<ProfileImportCheckpoint> SendJobAsync(ProfileImportCheckpoint checkpoint, string statePath)
    {
        var body = _job.ToArray();
        var resume = $"{checkpoint.ProfilesSent:N0} profiles were sent in {checkpoint.Jobs.Count} accepted jobs before this failure (checkpointed in {statePath}); call import_profiles again with the same path to resume after them.";
        // Not cancelled in flight: a job Klaviyo may already have accepted is waited for, so the checkpoint stays true.
        var document = await KlaviyoCalls.SendPreparedAsync(klaviyo, ProfileImporter.Operation, "bulk_import_profiles", null, "", body, CancellationToken.None, EventImporter.MaxJobRateLimitWait, resume).ConfigureAwait(false);
        var id = document.Root.ValueKind == JsonValueKind.Object && document.Data.ValueKind == JsonValueKind.Object && document.Data.TryGetProperty("id", out var value) ? value.GetString() : null;
        var sent = checkpoint with
        {
            ProfilesSent = checkpoint.ProfilesSent + _job.Count,
            Jobs = [.. checkpoint.Jobs, new ProfileImportJob { Id = id ?? "", Profiles = _job.Count, Positions = _job.Positions, Done = id is null, Status = id is null ? "unknown" : "queued" }],
        };
        _job = new ProfileImportJobBuilder(listId);
        return sent;
    }

    public void Dispose() => _profileWriter.Dispose();

    /// <summary>Reading is 80% of the way, polling the rest.</summary>
    public double Progress(ProfileImportCheckpoint checkpoint, double? read)
    {
        var jobs = checkpoint.Jobs.Count;
        return read is { } fraction ? 0.8 * fraction : 0.8 + (0.2 * (jobs == 0 ? 1 : (double)checkpoint.Jobs.Count(j => j.Done) / jobs));
    }

    public string ProgressMessage(ImportRun<ProfileImportCheckpoint> run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.RowsRead:N0} rows read, {run.Checkpoint.Jobs.Count} jobs accepted, {run.Checkpoint.Jobs.Count(j => j.Done)} jobs complete, {run.Checkpoint.InvalidRows:N0} invalid");

    public async Task FinishAsync(ImportRun<ProfileImportCheckpoint> state, Action save, Action report, CancellationToken cancellationToken)
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
                    var document = await KlaviyoCalls.SendPreparedAsync(klaviyo, ProfileImporter.Operation, "get_bulk_import_profiles_job", new Dictionary<string, string?> { ["job_id"] = job.Id }, "", null, cancel, EventImporter.MaxJobRateLimitWait,
                        $"Job {job.Id} was accepted and is checkpointed; call import_profiles again to collect its results.").ConfigureAwait(false);
                    var attributes = document.Root.ValueKind == JsonValueKind.Object && document.Data.ValueKind == JsonValueKind.Object && document.Data.TryGetProperty("attributes", out var a) ? a : default;
                    var status = Text(attributes, "status");
                    job = job with { Status = status, CompletedCount = Number(attributes, "completed_count"), FailedCount = Number(attributes, "failed_count") };
                    if (status is "complete" or "cancelled")
                    {
                        if (job.FailedCount > 0)
                        {
                            await CollectErrorsAsync(state, job, cancel).ConfigureAwait(false);
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

    private async Task CollectErrorsAsync(ImportRun<ProfileImportCheckpoint> state, ProfileImportJob job, CancellationToken cancellationToken)
    {
        // A JSON array's rows are items; every other format's are lines.
        var items = string.Equals(Path.GetExtension(state.Checkpoint.File), ".json", StringComparison.OrdinalIgnoreCase);
        string? cursor = null;
        do
        {
            var query = s_errors.BuildQueryString(new Dictionary<string, JsonElement> { ["page[size]"] = JsonSerializer.SerializeToElement(100, ToolJsonContext.Default.Int32) }, cursor);
            var page = await KlaviyoCalls.SendPreparedAsync(klaviyo, ProfileImporter.Operation, "get_errors_for_bulk_import_profiles_job", new Dictionary<string, string?> { ["id"] = job.Id }, query, null, cancellationToken).ConfigureAwait(false);
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
                    Failures = [.. state.Checkpoint.Failures, new InvalidItem { Line = items ? null : position, Item = items ? position : null, Errors = [detail] }],
                };
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;

    [GeneratedRegex(@"^/data/attributes/profiles/data/(\d+)(/|$)")]
    private static partial Regex ProfileIndex();
}
