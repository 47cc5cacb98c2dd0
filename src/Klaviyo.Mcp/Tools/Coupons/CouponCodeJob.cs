namespace Klaviyo.Mcp.Tools.Coupons;

/// <summary>One bulk coupon-code job of a generate_coupon_codes run: how many codes it carries and what Klaviyo reported.</summary>
public sealed record CouponCodeJob
{
    public required string Id { get; init; }

    public int Codes { get; init; }

    public string? Status { get; init; }

    public int CompletedCount { get; init; }

    public int FailedCount { get; init; }

    public bool Done { get; init; }
}
