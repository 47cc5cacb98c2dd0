using System.Text.Json;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>
/// One record of an import file: its ordinal (1-based, in reading order), where it is in the file, its fields as a
/// JSON object, the bytes its content-derived unique_id is computed from, and how far into the file reading has got.
/// <paramref name="Problem"/>: why the row cannot be used. <paramref name="Unreadable"/>: the file cannot be read past
/// this point (what stopped the reader); such a row is the last.
/// </summary>
public sealed record ImportRow(long Ordinal, int? Line, int? Item, JsonElement Fields, byte[] Content, long Position, string? Problem = null, string? Unreadable = null);
