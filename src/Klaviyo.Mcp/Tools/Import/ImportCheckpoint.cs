namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// What every file import checkpoints, written after every job Klaviyo acknowledged: which file and mapping it is for,
/// and how far it has got. A run started again with the same file and mapping resumes after <see cref="AcknowledgedRows"/>:
/// rows are read in the same order every time.
/// </summary>
public abstract record ImportCheckpoint
{
    public int Version { get; init; } = 1;

    public required string File { get; init; }

    public required long Size { get; init; }

    public required DateTime LastWriteUtc { get; init; }

    public required string Mapping { get; init; }

    /// <summary>Rows (in reading order) that are done: sent in an acknowledged job, or invalid.</summary>
    public long AcknowledgedRows { get; init; }

    public int? AcknowledgedLine { get; init; }

    public long InvalidRows { get; init; }

    public long DuplicateRows { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool Matches(FileInfo file, string mapping) =>
        File == file.FullName && Size == file.Length && LastWriteUtc == file.LastWriteTimeUtc && Mapping == mapping;
}
