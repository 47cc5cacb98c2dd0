using System.Text.Json.Serialization;

namespace Klaviyo.Client.Lists;

/// <summary>A list as Create List (<c>ListCreateQuery</c>) and Update List (<c>ListPartialUpdateQuery</c>, with id) take it.</summary>
public sealed record ListResource(ListAttributes Attributes)
{
    [JsonPropertyOrder(-1)]
    public string Type => "list";

    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }
}
