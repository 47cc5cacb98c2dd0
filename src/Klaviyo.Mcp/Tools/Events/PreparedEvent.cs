using Klaviyo.Client.Events;

namespace Klaviyo.Mcp.Tools.Events;

/// <summary>A validated event, ready to send, with the facts the caller is told about it.</summary>
public sealed record PreparedEvent(
    EventResource Resource,
    IReadOnlyDictionary<string, string> ProfileIdentifiers,
    bool UniqueIdGenerated,
    bool TimeGenerated)
{
    public string MetricName => Resource.Attributes.Metric.Data.Attributes.Name;

    public string UniqueId => Resource.Attributes.UniqueId!;

    public DateTimeOffset Time => Resource.Attributes.Time!.Value;

    /// <summary>
    /// What makes two events the same to Klaviyo: the unique_id, the profile and the metric. Klaviyo fails a bulk job
    /// that holds two of them. A profile is known by its identifiers, compared as Klaviyo compares them: emails
    /// ignoring case, every other identifier (id, external_id, phone_number, anonymous_id) exactly.
    /// </summary>
    public (string UniqueId, string Profile, string Metric) DuplicateKey => (UniqueId, ProfileIdentity(ProfileIdentifiers), MetricName);

    private static string ProfileIdentity(IReadOnlyDictionary<string, string> identifiers) =>
        string.Join('\u001f', identifiers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + (p.Key == "email" ? p.Value.ToLowerInvariant() : p.Value)));
}
