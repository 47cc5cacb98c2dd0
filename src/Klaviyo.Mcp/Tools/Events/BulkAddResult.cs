namespace Klaviyo.Mcp.Tools.Events;

/// <summary>What <see cref="BulkJobBuilder.TryAdd"/> did with an event.</summary>
public readonly record struct BulkAddResult(BulkAddOutcome Outcome, int DuplicateOf = -1, long Bytes = 0)
{
    public static readonly BulkAddResult Added = new(BulkAddOutcome.Added);

    public static readonly BulkAddResult Full = new(BulkAddOutcome.Full);

    public static BulkAddResult Duplicate(int first) => new(BulkAddOutcome.Duplicate, first);

    public static BulkAddResult TooLarge(long bytes) => new(BulkAddOutcome.TooLarge, Bytes: bytes);
}
