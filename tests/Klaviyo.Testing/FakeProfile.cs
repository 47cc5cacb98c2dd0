namespace Klaviyo.Testing;

/// <summary>A profile held by <see cref="FakeKlaviyoAccount"/>.</summary>
public sealed class FakeProfile(string id, string? email, string? firstName)
{
    public string Id { get; } = id;

    public string? Email { get; set; } = email;

    public string? FirstName { get; set; } = firstName;

    public string? LastName { get; set; }

    public string? City { get; set; }

    /// <summary>Custom properties, as JSON.</summary>
    public string PropertiesJson { get; set; } = "{}";
}
