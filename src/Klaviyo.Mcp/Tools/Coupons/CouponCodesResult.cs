namespace Klaviyo.Mcp.Tools.Coupons;

/// <summary>What generate_coupon_codes did.</summary>
public sealed record CouponCodesResult
{
    public required string CouponId { get; init; }

    public int Count { get; init; }

    public required string File { get; init; }

    public bool Completed { get; init; }

    public int Sent { get; init; }

    public long Created { get; init; }

    public long Failed { get; init; }

    public IReadOnlyList<CouponCodeJob>? Jobs { get; init; }

    public required IReadOnlyList<string> FirstCodes { get; init; }

    public IReadOnlyList<string>? Errors { get; init; }

    public string? StateFile { get; init; }

    public string? Note { get; init; }
}
