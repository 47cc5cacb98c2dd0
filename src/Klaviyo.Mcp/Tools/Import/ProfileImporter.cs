using Klaviyo.Client;
using Klaviyo.Mcp.Errors;
using Klaviyo.Mcp.Tools.Events;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Imports profiles from a CSV, JSON Lines or JSON array file: streamed, validated with the profile tools' rules, sent
/// as bulk_import_profiles jobs (10,000 profiles and 5 MB at most), checkpointed after every accepted job, then each
/// job polled until it finishes and its import errors mapped back to file lines (<see cref="ProfileImportKind"/> in
/// the <see cref="FileImportRunner"/>).
/// </summary>
public sealed class ProfileImporter(KlaviyoClient klaviyo, ImportSettings settings, BulkJobPolling polling, TimeProvider time, ILogger<ProfileImporter> logger)
{
    public const int MaxProfilesPerJob = 10_000;
    public const int MaxJobBytes = 5_000_000;
    public const int MaxProfileBytes = 100 * 1024;

    internal static readonly ToolCallDescriptor Operation = new("import_profiles", "bulk_import_profiles", new ArgumentPointerMap());

    public async Task<ProfileImportResult> RunAsync(string path, ProfileImportMapping mapping, string? listId, bool dryRun, bool restart, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        using var kind = new ProfileImportKind(klaviyo, polling, time, mapping, listId);
        var outcome = await new FileImportRunner(settings).RunAsync(kind, path, dryRun, restart, progress, cancellationToken).ConfigureAwait(false);
        var (file, format, statePath, state) = (outcome.File, outcome.Format, outcome.StatePath, outcome.Run);
        if (outcome.AlreadyComplete)
        {
            return Result(file, format, state.Checkpoint, statePath, 0, 0, [], false, null,
                $"This file was already imported completely (at {state.Checkpoint.UpdatedAt:u}); nothing was sent. Pass restart: true to import it again.");
        }

        var unreadable = outcome.Unreadable;
        logger.LogInformation("Profile import of {File}: {Rows} rows read, {Jobs} jobs, {Invalid} invalid", file.Name, state.RowsRead, state.Checkpoint.Jobs.Count, state.Checkpoint.InvalidRows);
        var listed = state.Checkpoint.InvalidRows > state.Listed.Count ? $"Only the first {EventTools.MaxInvalidListed} invalid rows are listed." : null;
        return Result(file, format, state.Checkpoint, dryRun ? null : statePath, state.RowsRead, dryRun ? state.Valid : null, state.Listed, dryRun, outcome.ResumedAfter > 0 ? outcome.ResumedAfter : null,
            unreadable is not null
                ? $"The import stopped where the file could not be read ({unreadable}): the rows before it were {(dryRun ? "checked (dry run: nothing was sent)" : "sent")}. Fix the file and call import_profiles again."
                : outcome.Note ?? listed, unreadable is null);
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
}
