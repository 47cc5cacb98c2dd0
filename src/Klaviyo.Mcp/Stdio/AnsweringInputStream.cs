namespace Klaviyo.Mcp.Stdio;

/// <summary>
/// The server's stdin. It notes every request it passes on; at the end of input it does not report the end until
/// every request already read has been answered (or <c>drainLimit</c> has passed), so that a client that writes its
/// requests and closes its end still gets every answer before the session ends.
/// </summary>
public sealed class AnsweringInputStream(Stream input, PendingRequests pending, TimeSpan drainLimit, CancellationToken stopping) : Stream
{
    private readonly LineSplitter _lines = new(line => pending.Received(line));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            _lines.Append(buffer.Span[..read]);
            return read;
        }

        // End of input: answer what was asked first. A signal (stopping) ends the wait at once.
        _lines.Append("\n"u8);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            await pending.AnsweredAsync(drainLimit, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped by a signal: end now.
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
        }

        base.Dispose(disposing);
    }
}
