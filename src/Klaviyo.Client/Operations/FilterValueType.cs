using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>The type of value a filter field is compared with, from the spec's <c>x-klaviyo-filters</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FilterValueType>))]
public enum FilterValueType
{
    /// <summary>No value: the field only takes operators such as <c>has(profile)</c>.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>A quoted string.</summary>
    [JsonStringEnumMemberName("string")]
    String,

    /// <summary>An unquoted ISO 8601 date-time, e.g. <c>2024-01-01T00:00:00Z</c>.</summary>
    [JsonStringEnumMemberName("date_time")]
    DateTime,

    /// <summary>Unquoted <c>true</c> or <c>false</c>.</summary>
    [JsonStringEnumMemberName("boolean")]
    Boolean,

    /// <summary>An unquoted whole number.</summary>
    [JsonStringEnumMemberName("integer")]
    Integer,

    /// <summary>An unquoted number.</summary>
    [JsonStringEnumMemberName("number")]
    Number,
}
