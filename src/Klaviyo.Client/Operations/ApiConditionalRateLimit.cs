namespace Klaviyo.Client.Operations;

/// <summary>
/// A lower limit that applies on top of the operation's own when a query parameter takes a value, e.g.
/// <c>additional-fields[profile]=predictive_analytics</c>; stated only in the operation's description in the spec.
/// </summary>
public sealed record ApiConditionalRateLimit(string Parameter, string Value, ApiRateLimit Limit);
