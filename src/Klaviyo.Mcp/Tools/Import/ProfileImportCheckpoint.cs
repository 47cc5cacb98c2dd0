using Klaviyo.Mcp.Tools.Events;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// What an import_profiles run has done, written after every job Klaviyo accepted and every job whose results were
/// collected. A run started again with the same file, mapping and list resumes reading after <see cref="ImportCheckpoint.AcknowledgedRows"/>
/// and polls the jobs not yet <see cref="ProfileImportJob.Done"/>.
/// </summary>
public sealed record ProfileImportCheckpoint : ImportCheckpoint
{
    public long ProfilesSent { get; init; }

    /// <summary>Every row has been read and sent (or reported); what is left is collecting results.</summary>
    public bool AllSent { get; init; }

    public List<ProfileImportJob> Jobs { get; init; } = [];

    /// <summary>The first import errors (all runs), mapped to lines.</summary>
    public List<InvalidItem> Failures { get; init; } = [];
}
