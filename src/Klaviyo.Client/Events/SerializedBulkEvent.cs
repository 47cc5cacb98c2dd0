using System.Text;

namespace Klaviyo.Client.Events;

/// <summary>An event and its profile as JSON, for <see cref="BulkEventJobWriter"/>; the profile's bytes group events into entries.</summary>
public sealed class SerializedBulkEvent(byte[] profile, byte[] @event)
{
    private string? _profileKey;

    public byte[] Profile { get; } = profile;

    public byte[] Event { get; } = @event;

    /// <summary>Equal for events whose profiles serialize alike, so they share an entry.</summary>
    public string ProfileKey => _profileKey ??= Encoding.UTF8.GetString(Profile);
}
