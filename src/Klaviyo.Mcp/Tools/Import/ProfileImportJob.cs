namespace Klaviyo.Mcp.Tools.Import;

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
