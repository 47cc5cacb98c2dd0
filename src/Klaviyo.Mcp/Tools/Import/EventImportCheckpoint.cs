namespace Klaviyo.Mcp.Tools.Import;

/// <summary>What an import_events run has done: the events sent, in how many jobs, and whether the whole file was.</summary>
public sealed record EventImportCheckpoint : ImportCheckpoint
{
    public long EventsSent { get; init; }

    public int JobsSubmitted { get; init; }

    public bool Completed { get; init; }
}
