using Klaviyo.Mcp.Tools.Events;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>What import_profiles did.</summary>
public sealed record ProfileImportResult
{
    public required string File { get; init; }

    public required string Format { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Every row sent or reported and every job's result collected.</summary>
    public bool Completed { get; init; }

    public long RowsRead { get; init; }

    /// <summary>Valid profiles: sent in all runs so far, or, on a dry run, that would be sent.</summary>
    public long Valid { get; init; }

    public long InvalidRows { get; init; }

    /// <summary>Rows skipped because they repeat an identifier of an earlier row in the same job.</summary>
    public long DuplicateRows { get; init; }

    public IReadOnlyList<InvalidItem>? Invalid { get; init; }

    public IReadOnlyList<ProfileImportJobResult>? Jobs { get; init; }

    /// <summary>Profiles Klaviyo created or updated (its jobs report the two together).</summary>
    public long CompletedCount { get; init; }

    public long FailedCount { get; init; }

    /// <summary>Klaviyo's import errors, mapped to lines (or items), the first 100.</summary>
    public IReadOnlyList<InvalidItem>? Failed { get; init; }

    public long? ResumedAfterRows { get; init; }

    public string? StateFile { get; init; }

    public string? Note { get; init; }
}
