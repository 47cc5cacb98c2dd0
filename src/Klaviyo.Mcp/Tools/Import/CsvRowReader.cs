using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// Reads CSV with CsvHelper (RFC 4180: quoted fields, embedded separators and line breaks), streaming. Line numbers
/// are physical lines, the header being line 1. Malformed records (bad quoting, a field count that differs from the
/// header) are returned as rows with a problem. Cells become JSON: numbers and true/false where they are plainly that
/// (no leading zeros, so zip codes stay strings), strings otherwise; empty cells are left out.
/// </summary>
public sealed class CsvRowReader : IImportRowReader, IAsyncDisposable
{
    private readonly CsvReader _reader;
    private readonly ConcurrentQueue<(long Line, string Problem, string Raw)> _malformed;
    private readonly ArrayBufferWriter<byte> _json = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly JsonEncodedText[] _names;

    private CsvRowReader(CsvReader reader, IReadOnlyList<string> columns, ConcurrentQueue<(long, string, string)> malformed)
    {
        _reader = reader;
        _malformed = malformed;
        Columns = columns;
        _names = [.. columns.Select(c => JsonEncodedText.Encode(c))];
        _writer = new Utf8JsonWriter(_json);
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

            // The record's bytes as they are in the file: what its content-derived unique_id is computed from.
            var content = _reader.RawRecord.ToArray();
            yield return new ImportRow(++ordinal, (int)_reader.LineNumber, null, ToJson(), content, _reader.ByteOffset);
        }
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return _reader.DisposeAsync();
    }

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

    private JsonElement ToJson()
    {
        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        for (var i = 0; i < _reader.FieldCount && i < _names.Length; i++)
        {
            var value = _reader.GetSpan(i);
            if (value.IsEmpty)
            {
                continue;
            }

            _writer.WritePropertyName(_names[i]);
            if (IsPlainNumber(value))
            {
                _writer.WriteRawValue(value, skipInputValidation: true);
            }
            else if (Ascii.EqualsIgnoreCase(value, "true"u8) || Ascii.EqualsIgnoreCase(value, "false"u8))
            {
                _writer.WriteBooleanValue(value.Length == 4);
            }
            else
            {
                _writer.WriteStringValue(value);
            }
        }

        _writer.WriteEndObject();
        _writer.Flush();
        return JsonDocument.Parse(_json.WrittenMemory.ToArray()).RootElement;
    }

    /// <summary>A number as a person writes one: optional minus, no leading zeros (so zip codes such as 02134 stay text), optional fraction, at most 15 integer digits.</summary>
    private static bool IsPlainNumber(ReadOnlySpan<byte> value)
    {
        var i = value[0] == (byte)'-' ? 1 : 0;
        var start = i;
        while (i < value.Length && char.IsAsciiDigit((char)value[i]))
        {
            i++;
        }

        var digits = i - start;
        if (digits == 0 || digits > 15 || (digits > 1 && value[start] == (byte)'0'))
        {
            return false;
        }

        if (i == value.Length)
        {
            return true;
        }

        if (value[i] != (byte)'.' || i == value.Length - 1)
        {
            return false;
        }

        for (i++; i < value.Length; i++)
        {
            if (!char.IsAsciiDigit((char)value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
