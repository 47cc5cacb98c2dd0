namespace Klaviyo.Mcp.Tools.Coupons;

/// <summary>
/// A generate_coupon_codes request's checkpoint: the codes are written to <see cref="CodesFile"/> before anything is
/// sent, so a resumed run sends the same codes and never generates a second set.
/// </summary>
public sealed record CouponCodeRun
{
    public required string Request { get; init; }

    public required string CodesFile { get; init; }

    public required int Count { get; init; }

    /// <summary>Codes (in file order) that are in accepted jobs.</summary>
    public int Sent { get; init; }

    public List<CouponCodeJob> Jobs { get; init; } = [];

    public List<string> Errors { get; init; } = [];

    public DateTimeOffset UpdatedAt { get; init; }
}
