namespace Klaviyo.Mcp.Tools.Profiles;

/// <summary>Which identifiers a tool accepts for a profile; checks and messages list them in this order.</summary>
[Flags]
public enum ProfileIdentifierKinds
{
    None = 0,
    Id = 1,
    Email = 2,
    PhoneNumber = 4,
    ExternalId = 8,
    AnonymousId = 16,

    /// <summary>What the profile tools and import_profiles identify a person by: email, phone_number, external_id.</summary>
    Contact = Email | PhoneNumber | ExternalId,
}
