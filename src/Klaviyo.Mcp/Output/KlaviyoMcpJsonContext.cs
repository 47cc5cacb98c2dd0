using System.Text.Json;
using System.Text.Json.Serialization;
using Klaviyo.Mcp.Tools.Events;

namespace Klaviyo.Mcp.Output;

/// <summary>Source-generated JSON for every tool argument and result: snake_case, nulls omitted, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CreateEventArguments))]
[JsonSerializable(typeof(EventMetricArgument))]
[JsonSerializable(typeof(EventProfileArgument))]
[JsonSerializable(typeof(ProfileLocationArgument))]
[JsonSerializable(typeof(CreateEventResult))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(double?))]
internal sealed partial class KlaviyoMcpJsonContext : JsonSerializerContext;
