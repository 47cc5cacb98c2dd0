using System.ComponentModel;

namespace Klaviyo.Mcp.Tools.Events;

[Description("The person's postal and geographic location.")]
public sealed record ProfileLocationArgument
{
    [Description("First line of the street address.")]
    public string? Address1 { get; init; }

    [Description("Second line of the street address.")]
    public string? Address2 { get; init; }

    [Description("City name.")]
    public string? City { get; init; }

    [Description("Country name.")]
    public string? Country { get; init; }

    [Description("Region within the country, e.g. state or province.")]
    public string? Region { get; init; }

    [Description("Postal code.")]
    public string? Zip { get; init; }

    [Description("IANA time zone, e.g. \"America/New_York\".")]
    public string? Timezone { get; init; }

    [Description("Latitude in degrees, -90 to 90.")]
    public double? Latitude { get; init; }

    [Description("Longitude in degrees, -180 to 180.")]
    public double? Longitude { get; init; }

    [Description("IP address.")]
    public string? Ip { get; init; }

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
