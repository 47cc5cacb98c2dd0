using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>The role of a query parameter, which decides how its value is checked and written.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QueryParameterKind>))]
public enum QueryParameterKind
{
    /// <summary><c>fields[type]</c>: sparse fieldset, a comma-separated list of allowed field names.</summary>
    [JsonStringEnumMemberName("fields")]
    Fields,

    /// <summary><c>additional-fields[type]</c>: fields left out by default, a comma-separated list.</summary>
    [JsonStringEnumMemberName("additional_fields")]
    AdditionalFields,

    /// <summary><c>include</c>: related resources to include, a comma-separated list.</summary>
    [JsonStringEnumMemberName("include")]
    Include,

    /// <summary><c>sort</c>: one field, <c>-</c> in front for descending.</summary>
    [JsonStringEnumMemberName("sort")]
    Sort,

    /// <summary><c>page[size]</c>: an integer within the operation's bounds.</summary>
    [JsonStringEnumMemberName("page_size")]
    PageSize,

    /// <summary><c>page[cursor]</c> (or the reports' <c>page_cursor</c>): an opaque cursor from <c>links.next</c>.</summary>
    [JsonStringEnumMemberName("page_cursor")]
    PageCursor,

    /// <summary><c>filter</c>: a Klaviyo filter expression, see <see cref="FilterExpression"/>.</summary>
    [JsonStringEnumMemberName("filter")]
    Filter,

    /// <summary>Anything else (e.g. <c>company_id</c>, <c>timeframe</c>).</summary>
    [JsonStringEnumMemberName("other")]
    Other,
}
