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
