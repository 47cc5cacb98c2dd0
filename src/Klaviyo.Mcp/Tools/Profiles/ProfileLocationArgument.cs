using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Profiles;

[Description("The person's postal and geographic location.")]
public sealed record ProfileLocationArgument
{
    [Description("Line 1.")]
    public string? Address1 { get; init; }

    [Description("Line 2.")]
    public string? Address2 { get; init; }

    [Description("City.")]
    public string? City { get; init; }

    [Description("Country.")]
    public string? Country { get; init; }

    [Description("Region.")]
    public string? Region { get; init; }

    [Description("Postal code.")]
    public string? Zip { get; init; }

    [Description("IANA time zone.")]
    public string? Timezone { get; init; }

    [Description("Degrees.")]
    public double? Latitude { get; init; }

    [Description("Degrees.")]
    public double? Longitude { get; init; }

    [Description("IP.")]
    public string? Ip { get; init; }

    /// <summary>The location as Klaviyo's profile attributes carry it.</summary>
    public Klaviyo.Client.Profiles.ProfileLocation ToLocation() => new()
    {
        Address1 = Address1,
        Address2 = Address2,
        City = City,
        Country = Country,
        Region = Region,
        Zip = Zip,
        Timezone = Timezone,
        Latitude = Latitude,
        Longitude = Longitude,
        Ip = Ip,
    };
}
