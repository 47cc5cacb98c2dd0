using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsvHelper;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Reads CSV with CsvHelper (RFC 4180: quoted fields, embedded separators and line breaks), streaming. Line numbers
/// are physical lines, the header being line 1. Malformed records (bad quoting, a field count that differs from the
/// header) are returned as rows with a problem. Cells become JSON: numbers and true/false where they are plainly that
/// (no leading zeros, so zip codes stay strings), strings otherwise; empty cells are left out.
/// </summary>
public sealed partial class CsvRowReader : IImportRowReader, IAsyncDisposable
{
    private readonly CsvReader _reader;
    private readonly ConcurrentQueue<(long Line, string Problem, string Raw)> _malformed;
    private readonly ArrayBufferWriter<byte> _json = new(4096);

    private CsvRowReader(CsvReader reader, IReadOnlyList<string> columns, ConcurrentQueue<(long, string, string)> malformed)
    {
        _reader = reader;
        _malformed = malformed;
        Columns = columns;
    }

    public IReadOnlyList<string>? Columns { get; }

    public static async Task<CsvRowReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<(long, string, string)>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = record => queue.Enqueue((record.LineNumber, Describe(record.Reason), record.RawRecord)),
            PoolStrings = true,
        };
        var reader = CsvReader.Create(stream, options, leaveOpen: true);
        await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        return new CsvRowReader(reader, [.. reader.Headers.Select(h => h.Trim())], queue);
    }

    public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long ordinal = 0;
        while (true)
        {
            var more = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in DrainMalformed())
            {
                yield return row with { Ordinal = ++ordinal };
            }

            if (!more)
            {
                yield break;
            }

            var values = new string[_reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _reader.GetString(i);
            }

            var content = Encoding.UTF8.GetBytes(string.Join('\u001f', values.Select((v, i) => Columns![i] + "=" + v)));
            yield return new ImportRow(++ordinal, (int)_reader.LineNumber, null, ToJson(values), content, _reader.ByteOffset);
        }
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    private IEnumerable<ImportRow> DrainMalformed()
    {
        while (_malformed.TryDequeue(out var bad))
        {
            yield return new ImportRow(0, (int)bad.Line, null, default, Encoding.UTF8.GetBytes(bad.Raw), _reader.ByteOffset, bad.Problem);
        }
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "has a different number of fields than the header",
        CsvMalformedReason.StrayQuote => "has a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "has text after the closing quote of a field",
        CsvMalformedReason.UnterminatedQuote => "has a quoted field that is never closed",
        _ => "is malformed CSV (" + reason + ")",
    };

    private JsonElement ToJson(string[] values)
    {
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json))
        {
            writer.WriteStartObject();
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i];
                if (value.Length == 0)
                {
                    continue;
                }

                writer.WritePropertyName(Columns![i]);
                if (Number().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                {
                    writer.WriteRawValue(value, skipInputValidation: true);
                }
                else if (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    writer.WriteBooleanValue(value.Equals("true", StringComparison.OrdinalIgnoreCase));
                }
                else
                {
                    writer.WriteStringValue(value);
                }
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(_json.WrittenMemory.ToArray()).RootElement;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
