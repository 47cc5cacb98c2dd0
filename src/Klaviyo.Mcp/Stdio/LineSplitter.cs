using System.Buffers;

namespace Klaviyo.Mcp.Stdio;

/// <summary>Cuts a byte stream into lines as it passes (a line may arrive in many pieces) and hands each whole line on.</summary>
public sealed class LineSplitter(Action<ReadOnlySpan<byte>> onLine)
{
    private readonly ArrayBufferWriter<byte> _partial = new();

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (bytes.IndexOf((byte)'\n') is var end and >= 0)
        {
            if (_partial.WrittenCount == 0)
            {
                onLine(bytes[..end]);
            }
            else
            {
                _partial.Write(bytes[..end]);
                onLine(_partial.WrittenSpan);
                _partial.ResetWrittenCount();
            }

            bytes = bytes[(end + 1)..];
        }

        _partial.Write(bytes);
    }
}
