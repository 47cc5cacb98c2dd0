using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>Reads JSON Lines: one JSON object a line; blank lines are skipped; line numbers are physical lines.</summary>
public sealed class JsonLinesRowReader(Stream stream) : IImportRowReader
{
    public IReadOnlyList<string>? Columns => null;

    public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var line = 0;
        long ordinal = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            ordinal++;
            var content = Encoding.UTF8.GetBytes(text);
            JsonElement fields = default;
            string? problem = null;
            try
            {
                fields = JsonDocument.Parse(content).RootElement;
                if (fields.ValueKind != JsonValueKind.Object)
                {
                    problem = "is not a JSON object";
                }
            }
            catch (JsonException ex)
            {
                problem = "is not valid JSON: " + ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
            }

            yield return new ImportRow(ordinal, line, null, fields, content, stream.Position, problem);
        }
    }
}
