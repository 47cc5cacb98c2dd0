namespace Klaviyo.Client.Profiles;

/// <summary>Operations on a profile's custom properties that plain attributes cannot express.</summary>
public sealed record ProfileMeta(ProfilePatchProperties PatchProperties);
