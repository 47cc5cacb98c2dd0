using System.Text.Json.Serialization;

namespace Klaviyo.Client.Operations;

/// <summary>What an operation does to the account: see <see cref="OperationAccessRules"/> for how each operation is classified.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationAccess>))]
public enum OperationAccess
{
    /// <summary>Only reads: every GET, and the POSTs that only query (reports, aggregates, template rendering).</summary>
    [JsonStringEnumMemberName("read")]
    Read,

    /// <summary>Changes the account in a way that can be changed back.</summary>
    [JsonStringEnumMemberName("write")]
    Write,

    /// <summary>Deletes, reaches real people (sends, consent), or cannot be undone.</summary>
    [JsonStringEnumMemberName("destructive")]
    Destructive,
}
