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

public sealed record CouponCodeJob
{
    public required string Id { get; init; }

    public int Codes { get; init; }

    public string? Status { get; init; }

    public int CompletedCount { get; init; }

    public int FailedCount { get; init; }

    public bool Done { get; init; }
}

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
