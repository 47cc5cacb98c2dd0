using System.Text.Json;

namespace Klaviyo.Client;

/// <summary>One member of a Klaviyo error document's <c>errors[]</c>.</summary>
public sealed record KlaviyoError
{
    public string? Id { get; init; }

    public int? Status { get; init; }

    public string? Code { get; init; }

    public string? Title { get; init; }

    public string? Detail { get; init; }

    public KlaviyoErrorSource? Source { get; init; }

    /// <summary>Extra facts, e.g. <c>duplicate_profile_id</c> on a 409.</summary>
    public JsonElement? Meta { get; init; }
}
