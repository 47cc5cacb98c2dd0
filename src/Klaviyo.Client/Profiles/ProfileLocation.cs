namespace Klaviyo.Client.Profiles;

/// <summary>A profile's postal and geographic location (<c>ProfileLocation</c> in the spec).</summary>
public sealed record ProfileLocation
{
    public string? Address1 { get; init; }

    public string? Address2 { get; init; }

    public string? City { get; init; }

    public string? Country { get; init; }

    public string? Region { get; init; }

    public string? Zip { get; init; }

    /// <summary>IANA time zone, e.g. <c>America/New_York</c>.</summary>
    public string? Timezone { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public string? Ip { get; init; }
}
