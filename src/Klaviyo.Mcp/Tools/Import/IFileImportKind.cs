using System.Text.Json.Serialization.Metadata;
using Klaviyo.Mcp.Validation;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// What one kind of file import (events, profiles) adds to <see cref="FileImportRunner"/>: its checkpoint, how a row
/// becomes part of a job, the job call, and what happens after the last row. One instance serves one run: it holds the
/// job being packed.
/// </summary>
internal interface IFileImportKind<TCheckpoint>
    where TCheckpoint : ImportCheckpoint
{
    /// <summary>The tool's name, for messages (import_events).</summary>
    string Tool { get; }

    /// <summary>Tells this kind's checkpoint files apart (see <see cref="ImportCheckpointStore.PathFor"/>).</summary>
    string StateKind { get; }

    /// <summary>Identifies the mapping (and anything else that decides what is sent) in the checkpoint.</summary>
    string Fingerprint { get; }

    /// <summary>The note when a checkpoint was for another file or mapping, and the run started over.</summary>
    string StartedOverNote { get; }

    JsonTypeInfo<TCheckpoint> CheckpointType { get; }

    TCheckpoint NewCheckpoint(FileInfo file);

    /// <summary>Nothing is left to do for this checkpoint: every row read and every job finished.</summary>
    bool IsComplete(TCheckpoint checkpoint);

    /// <summary>Every row of the file has been read and sent (or reported).</summary>
    bool AllRead(TCheckpoint checkpoint);

    TCheckpoint WithAllRead(TCheckpoint checkpoint, bool allRead);

    /// <summary>For a file with a header: the columns the mapping names exist, and the file has what a row needs.</summary>
    void CheckColumns(IReadOnlyList<string> columns, ArgumentErrors errors);

    /// <summary>Maps and checks one readable row and packs it into the job, recording invalid and duplicate rows in <paramref name="run"/>; calls <paramref name="sendJob"/> when the job is full.</summary>
    Task AddAsync(ImportRun<TCheckpoint> run, ImportRow row, bool dryRun, Func<Task> sendJob);

    /// <summary>The job being packed has rows.</summary>
    bool HasJob { get; }

    /// <summary>Sends the job being packed (not cancelled in flight) and starts a new one; returns the checkpoint counting it.</summary>
    Task<TCheckpoint> SendJobAsync(TCheckpoint checkpoint, string statePath);

    /// <summary>After the last row, outside a dry run (profiles: wait for the jobs' results); <c>save</c> writes the checkpoint, <c>report</c> sends progress.</summary>
    Task FinishAsync(ImportRun<TCheckpoint> run, Action save, Action report, CancellationToken cancellationToken);

    /// <summary>Progress from 0 to 1, given the fraction of the file read, or null while finishing.</summary>
    double Progress(TCheckpoint checkpoint, double? read);

    string ProgressMessage(ImportRun<TCheckpoint> run);
}
