using System.Buffers;
using System.Text.Json;
using Klaviyo.Mcp.Output;

namespace Klaviyo.Mcp.Tools.Import;

/// <summary>One job being filled: its bytes, measured exactly, its profiles' identifiers (no identifier twice) and file positions.</summary>
internal sealed class ProfileImportJobBuilder
{
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;
    private readonly ArrayBufferWriter<byte> _profiles = new(1 << 16);
    private readonly Dictionary<string, int> _identifiers = new(StringComparer.Ordinal);

    public ProfileImportJobBuilder(string? listId)
    {
        _prefix = """{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":["""u8.ToArray();
        _suffix = listId is null ? "]}}}}"u8.ToArray()
            : [.. "]}},\"relationships\":{\"lists\":{\"data\":[{\"type\":\"list\",\"id\":"u8, .. JsonSerializer.SerializeToUtf8Bytes(listId, ToolJsonContext.Default.String), .. "}]}}}}"u8];
    }

    public int Count { get; private set; }

    public List<int> Positions { get; } = [];

    public bool Fits(int bytes) => Count < ProfileImporter.MaxProfilesPerJob && _prefix.Length + _profiles.WrittenCount + (Count > 0 ? 1 : 0) + bytes + _suffix.Length <= ProfileImporter.MaxJobBytes;

    public (string Identifier, int Position)? DuplicateOf((string? Email, string? Phone, string? ExternalId) identifiers)
    {
        foreach (var (kind, value) in Kinds(identifiers))
        {
            if (value is not null && _identifiers.TryGetValue(Key(kind, value), out var position))
            {
                return (kind, position);
            }
        }

        return null;
    }

    public void Add(ReadOnlySpan<byte> profile, (string? Email, string? Phone, string? ExternalId) identifiers, int position)
    {
        if (Count > 0)
        {
            _profiles.Write(","u8);
        }

        _profiles.Write(profile);
        foreach (var (kind, value) in Kinds(identifiers))
        {
            if (value is not null)
            {
                _identifiers[Key(kind, value)] = position;
            }
        }

        if (Positions.Count >= 2 && Positions[^2] + Positions[^1] == position)
        {
            Positions[^1]++;
        }
        else
        {
            Positions.Add(position);
            Positions.Add(1);
        }

        Count++;
    }

    private static (string Kind, string? Value)[] Kinds((string? Email, string? Phone, string? ExternalId) identifiers) =>
        [("email", identifiers.Email), ("phone_number", identifiers.Phone), ("external_id", identifiers.ExternalId)];

    // Klaviyo matches emails ignoring case.
    private static string Key(string kind, string value) => kind + ":" + (kind == "email" ? value.ToLowerInvariant() : value);

    public byte[] ToArray() => [.. _prefix, .. _profiles.WrittenSpan, .. _suffix];
}
