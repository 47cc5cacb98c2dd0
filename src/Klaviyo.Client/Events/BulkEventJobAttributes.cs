using System.Text.Json.Serialization;
using Klaviyo.Client.JsonApi;

namespace Klaviyo.Client.Events;

public sealed record BulkEventJobAttributes([property: JsonPropertyName("events-bulk-create")] JsonApiDataList<BulkEventEntry> EventsBulkCreate);
