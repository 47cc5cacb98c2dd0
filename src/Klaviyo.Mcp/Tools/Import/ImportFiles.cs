using System.Runtime.CompilerServices;
using Klaviyo.Mcp.Errors;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>What every file import shares: opening the right reader, the one-run-per-file lock, and naming a read failure.</summary>
internal static class ImportFiles
{
    /// <summary>What stopped the reader, in the file's terms (JSON's own position details are left out: the row says where).</summary>
    public static string Unreadable(Exception exception) => exception switch
    {
        System.Text.Json.JsonException json => "not valid JSON: " + json.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.'),
        _ => "unreadable: " + exception.Message.Split('\n')[0].TrimEnd('.'),
    };

    /// <summary>One run per file at a time: a second run would read a checkpoint the first is about to move on, and send its rows again.</summary>
    public static FileStream Lock(string statePath, string tool)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(statePath)!);
            return new FileStream(statePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException)
        {
            throw new ToolFailureException($"Another {tool} run on this file is running (it holds {statePath}.lock); wait for it to finish, then call {tool} again to resume or see its result.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ToolFailureException($"Cannot write the checkpoint beside the file ({statePath}); set KLAVIYO_IMPORT_STATE_DIR to a writable folder.");
        }
    }

    /// <summary>
    /// The rows after <paramref name="resumeAfter"/> (those a checkpoint has not covered), in reading order. A file that
    /// cannot be parsed past some point (a truncated JSON array, say) ends with one row at that point whose
    /// <see cref="ImportRow.Unreadable"/> says why, so that the rows before it are still imported.
    /// </summary>
    public static async IAsyncEnumerable<ImportRow> RowsAfterAsync(
        IImportRowReader reader, string format, Stream stream, long resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long lastOrdinal = 0;
        int? lastLine = null;
        int? lastItem = null;
        await using var rows = reader.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            string? unreadable = null;
            try
            {
                if (!await rows.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                unreadable = Unreadable(ex);
            }

            if (unreadable is not null)
            {
                var problem = $"row: {unreadable}; the file cannot be read past this point, so the import stopped here";
                yield return format == "json"
                    ? new ImportRow(lastOrdinal + 1, null, (lastItem ?? 0) + 1, default, [], stream.Position, problem, unreadable)
                    : new ImportRow(lastOrdinal + 1, (lastLine ?? (reader.Columns is null ? 0 : 1)) + 1, null, default, [], stream.Position, problem, unreadable);
                yield break;
            }

            var row = rows.Current;
            lastOrdinal = row.Ordinal;
            lastLine = row.Line ?? lastLine;
            lastItem = row.Item ?? lastItem;
            if (row.Ordinal > resumeAfter)
            {
                yield return row;
            }
        }
    }

    public static async Task<(IImportRowReader Reader, IAsyncDisposable Disposable)> OpenAsync(string format, Stream stream, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case "csv":
                var csv = await CsvRowReader.OpenAsync(stream, cancellationToken).ConfigureAwait(false);
                return (csv, csv);
            case "jsonl":
                return (new JsonLinesRowReader(stream), stream);
            default:
                return (new JsonArrayRowReader(stream), stream);
        }
    }
}
