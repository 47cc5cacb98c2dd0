using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>What a successful answer carries.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationResponseKind>))]
public enum OperationResponseKind
{
    /// <summary>One JSON:API resource (<c>data</c> is an object).</summary>
    [JsonStringEnumMemberName("resource")]
    Resource,

    /// <summary>A page of resources (<c>data</c> is an array), usually with <c>links.next</c>.</summary>
    [JsonStringEnumMemberName("collection")]
    Collection,

    /// <summary>202 Accepted with a job resource to poll.</summary>
    [JsonStringEnumMemberName("job")]
    Job,

    /// <summary>202 or 204 without a body.</summary>
    [JsonStringEnumMemberName("no_content")]
    NoContent,
}
