using System.ComponentModel;
using Klaviyo.Mcp.Tools.Events;

namespace Klaviyo.Mcp.Tools.Import;

[Description("What import_events did.")]
public sealed record EventImportResult
{
    [Description("The file read.")]
    public required string File { get; init; }

    [Description("csv, jsonl or json.")]
    public required string Format { get; init; }

    [Description("True when nothing was sent (dry_run).")]
    public bool DryRun { get; init; }

    [Description("True when every row of the file has been handled (sent or reported).")]
    public bool Completed { get; init; }

    [Description("Rows read in this run (rows done by an earlier run are skipped, not read again).")]
    public long RowsRead { get; init; }

    [Description("Valid events: sent in all runs so far, or, on a dry run, that would be sent.")]
    public long Events { get; init; }

    [Description("Bulk jobs Klaviyo accepted, in all runs so far.")]
    public int JobsSubmitted { get; init; }

    [Description("Rows that were invalid and not sent, in all runs so far.")]
    public long InvalidRows { get; init; }

    [Description("Rows not sent because they repeat an earlier row's unique_id, profile and metric in the same job.")]
    public long DuplicateRows { get; init; }

    [Description("The first invalid rows of this run (at most 100), by line (or item, for a JSON array).")]
    public IReadOnlyList<InvalidItem>? Invalid { get; init; }

    [Description("When this run resumed an earlier one: the rows it skipped as already done.")]
    public long? ResumedAfterRows { get; init; }

    [Description("Where progress is checkpointed; a stopped import resumes from it when called again with the same file.")]
    public string? StateFile { get; init; }

    [Description("Anything else worth knowing.")]
    public string? Note { get; init; }
}
