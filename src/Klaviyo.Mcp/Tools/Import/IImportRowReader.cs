namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Streams an import file's records, one at a time, whatever its size.</summary>
public interface IImportRowReader
{
    /// <summary>The column names, when the format has a header (CSV); null otherwise.</summary>
    IReadOnlyList<string>? Columns { get; }

    IAsyncEnumerable<ImportRow> ReadAsync(CancellationToken cancellationToken);
}
