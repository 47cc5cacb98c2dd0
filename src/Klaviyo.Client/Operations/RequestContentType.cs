using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>How an operation's request body is sent.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RequestContentType>))]
public enum RequestContentType
{
    /// <summary><c>application/vnd.api+json</c>: a JSON:API document.</summary>
    [JsonStringEnumMemberName("json:api")]
    JsonApi,

    /// <summary><c>multipart/form-data</c> (only <c>upload_image_from_file</c>).</summary>
    [JsonStringEnumMemberName("multipart")]
    Multipart,
}
