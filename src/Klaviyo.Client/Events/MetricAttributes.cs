namespace Klaviyo.Client.Events;

/// <summary>A metric's name (under 128 characters) and, for advanced use, its service (default <c>api</c>).</summary>
public sealed record MetricAttributes(string Name, string? Service = null);
