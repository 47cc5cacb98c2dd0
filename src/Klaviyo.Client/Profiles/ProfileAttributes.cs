using System.Text.Json;

namespace Klaviyo.Client.Profiles;

/// <summary>A profile's identifiers and standard attributes; unset members are not sent.</summary>
public sealed record ProfileAttributes
{
    public string? Email { get; init; }

    /// <summary>E.164, e.g. <c>+15005550006</c>.</summary>
    public string? PhoneNumber { get; init; }

    public string? ExternalId { get; init; }

    public string? AnonymousId { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Organization { get; init; }

    public string? Locale { get; init; }

    public string? Title { get; init; }

    public string? Image { get; init; }

    public ProfileLocation? Location { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Properties { get; init; }
}
