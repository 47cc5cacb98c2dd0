using Klaviyo.Mcp.Tools.Events;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// What an import_profiles run has done, written after every job Klaviyo accepted and every job whose results were
/// collected. A run started again with the same file, mapping and list resumes reading after <see cref="AcknowledgedRows"/>
/// and polls the jobs not yet <see cref="ProfileImportJob.Done"/>.
/// </summary>
public sealed record ProfileImportCheckpoint
{
    public int Version { get; init; } = 1;

    public required string File { get; init; }

    public required long Size { get; init; }

    public required DateTime LastWriteUtc { get; init; }

    public required string Mapping { get; init; }

    public long AcknowledgedRows { get; init; }

    public int? AcknowledgedLine { get; init; }

    public long ProfilesSent { get; init; }

    public long InvalidRows { get; init; }

    public long DuplicateRows { get; init; }

    /// <summary>Every row has been read and sent (or reported); what is left is collecting results.</summary>
    public bool AllSent { get; init; }

    public List<ProfileImportJob> Jobs { get; init; } = [];

    /// <summary>The first import errors (all runs), mapped to lines.</summary>
    public List<InvalidItem> Failures { get; init; } = [];

    public DateTimeOffset UpdatedAt { get; init; }

    public bool Matches(FileInfo file, string mapping) =>
        File == file.FullName && Size == file.Length && LastWriteUtc == file.LastWriteTimeUtc && Mapping == mapping;
}

/// <summary>One accepted bulk_import_profiles job: its id, where its profiles are in the file, and its outcome once polled.</summary>
public sealed record ProfileImportJob
{
    public required string Id { get; init; }

    public int Profiles { get; init; }

    /// <summary>The file positions (lines, or items of a JSON array) of the job's profiles in order, as pairs of first position and count.</summary>
    public List<int> Positions { get; init; } = [];

    public string? Status { get; init; }

    public int CompletedCount { get; init; }

    public int FailedCount { get; init; }

    public bool Done { get; init; }

    /// <summary>The file position of the job's <paramref name="index"/>th profile, if known.</summary>
    public int? PositionOf(int index)
    {
        for (var i = 0; i + 1 < Positions.Count; i += 2)
        {
            if (index < Positions[i + 1])
            {
                return Positions[i] + index;
            }

            index -= Positions[i + 1];
        }

        return null;
    }
}
