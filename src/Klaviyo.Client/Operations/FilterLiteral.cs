namespace Klaviyo.Client.Operations;

/// <summary>
/// A value in a filter expression: <see cref="Text"/> is the string without its quotes and escapes, or the token as
/// written; a list has its <see cref="Items"/>. <see cref="Position"/> is the 1-based character where it starts.
/// </summary>
public sealed record FilterLiteral(FilterLiteralKind Kind, string Text, int Position)
{
    public IReadOnlyList<FilterLiteral> Items { get; init; } = [];
}
