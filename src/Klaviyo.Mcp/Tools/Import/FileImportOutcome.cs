namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// How a <see cref="FileImportRunner"/> run ended, for the importer to put in its result: the run (checkpoint and
/// counts), whether the checkpoint said it was already complete (then nothing was read or sent), where it resumed,
/// and why it stopped early, if it did.
/// </summary>
internal sealed record FileImportOutcome<TCheckpoint>(
    FileInfo File, string Format, string StatePath, ImportRun<TCheckpoint> Run, bool AlreadyComplete, long ResumedAfter, string? Note, string? Unreadable)
    where TCheckpoint : ImportCheckpoint;
