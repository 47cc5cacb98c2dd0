using System.Text.Json;
using System.Text.Json.Serialization;
using Klaviyo.Client.Events;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client;

/// <summary>Source-generated JSON for every document the client reads or writes: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(JsonApiData<EventResource>))]
[JsonSerializable(typeof(KlaviyoErrorDocument))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class KlaviyoJsonContext : JsonSerializerContext;
