namespace Klaviyo.Client.Operations;

/// <summary>
/// One comparison of a filter expression, e.g. <c>greater-than(created,2024-01-01T00:00:00Z)</c>:
/// <see cref="Value"/> is null for operators that take none (<c>has(profile)</c>). <see cref="Position"/> is the
/// 1-based character where the operator starts.
/// </summary>
public sealed record FilterCondition(string Operator, string Field, FilterLiteral? Value, int Position);
