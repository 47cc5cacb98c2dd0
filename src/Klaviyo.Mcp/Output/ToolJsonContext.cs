using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Klaviyo.Mcp.Tools.Api;
using Klaviyo.Mcp.Tools.Events;
using Klaviyo.Mcp.Tools.Import;
using Klaviyo.Mcp.Tools.Lists;
using Klaviyo.Mcp.Tools.Profiles;
using Klaviyo.Mcp.Tools.Subscriptions;

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
[JsonSerializable(typeof(CreateEventArguments[]))]
[JsonSerializable(typeof(BulkCreateEventsResult))]
[JsonSerializable(typeof(EventImportCheckpoint))]
[JsonSerializable(typeof(EventImportResult))]
[JsonSerializable(typeof(ProfileImportCheckpoint))]
[JsonSerializable(typeof(ProfileImportResult))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Klaviyo.Mcp.Tools.Coupons.CouponCodeRun))]
[JsonSerializable(typeof(Klaviyo.Mcp.Tools.Coupons.CouponCodesResult))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(CollectionResult))]
[JsonSerializable(typeof(ProfileUpsertResult))]
[JsonSerializable(typeof(JobsSubmittedResult))]
[JsonSerializable(typeof(ListMembershipResult))]
[JsonSerializable(typeof(ListDeletedResult))]
[JsonSerializable(typeof(SubscriptionProfileArgument[]))]
[JsonSerializable(typeof(Klaviyo.Client.Profiles.ProfileLocation))]
[JsonSerializable(typeof(Klaviyo.Client.Profiles.ProfileAttributes))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(FoundOperations))]
[JsonSerializable(typeof(OperationDescription))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
