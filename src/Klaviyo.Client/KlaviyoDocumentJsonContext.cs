using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Klaviyo.Client.Events;
using Klaviyo.Client.Insights;
using Klaviyo.Client.JsonApi;
using Klaviyo.Client.Lists;
using Klaviyo.Client.Profiles;
using Klaviyo.Client.Subscriptions;

namespace Klaviyo.Client;

/// <summary>Source-generated JSON for every document the client reads or writes: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(JsonApiData<EventResource>))]
[JsonSerializable(typeof(JsonApiData<BulkEventJobResource>))]
[JsonSerializable(typeof(BulkEventResource))]
[JsonSerializable(typeof(EventProfileResource))]
[JsonSerializable(typeof(JsonApiData<ProfileResource>))]
[JsonSerializable(typeof(JsonApiData<MetricAggregateResource>))]
[JsonSerializable(typeof(JsonApiData<FlowStatusResource>))]
[JsonSerializable(typeof(JsonApiData<ValuesReportResource>))]
[JsonSerializable(typeof(JsonApiData<ProfilePatchResource>))]
[JsonSerializable(typeof(JsonApiData<ListResource>))]
[JsonSerializable(typeof(JsonApiData<SubscriptionJobResource>))]
[JsonSerializable(typeof(JsonApiData<SuppressionJobResource>))]
[JsonSerializable(typeof(JsonApiDataList<ResourceIdentifier>))]
[JsonSerializable(typeof(KlaviyoErrorDocument))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class KlaviyoDocumentJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context request bodies are written with: HTML-sensitive characters and non-ASCII text are not escaped,
    /// since every escape costs up to six bytes of Klaviyo's 5 MB payload limit and the body is never embedded in HTML.
    /// Created on first use: a static initializer here could run before the generated <c>Default</c> exists.
    /// </summary>
    public static KlaviyoDocumentJsonContext Wire => s_wire ??= new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static KlaviyoDocumentJsonContext? s_wire;
}
