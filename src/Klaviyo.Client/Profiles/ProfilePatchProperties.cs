using System.Text.Json;

namespace Klaviyo.Client.Profiles;

/// <summary>Klaviyo's <c>patch_properties</c>: add values to list properties, remove values from them, or remove properties.</summary>
public sealed record ProfilePatchProperties
{
    public IReadOnlyDictionary<string, JsonElement>? Append { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Unappend { get; init; }

    public IReadOnlyList<string>? Unset { get; init; }
}
