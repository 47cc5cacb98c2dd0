namespace Klaviyo.Client.Operations;

/// <summary>
/// A field the <c>filter</c> parameter may compare, from the spec's <c>x-klaviyo-filters</c>: the operators that take
/// one value (<see cref="Operators"/>), those that take a list (<see cref="ListOperators"/>, e.g. <c>any(id,["a","b"])</c>)
/// and those that take none (<see cref="NoValueOperators"/>, e.g. <c>has(profile)</c>).
/// </summary>
public sealed record ApiFilterField
{
    private readonly IReadOnlyList<string> _operators = [];
    private readonly IReadOnlyList<string> _listOperators = [];
    private readonly IReadOnlyList<string> _noValueOperators = [];

    public required string Field { get; init; }

    public IReadOnlyList<string> Operators { get => _operators; init => _operators = value ?? []; }

    public IReadOnlyList<string> ListOperators { get => _listOperators; init => _listOperators = value ?? []; }

    public IReadOnlyList<string> NoValueOperators { get => _noValueOperators; init => _noValueOperators = value ?? []; }

    public FilterValueType Type { get; init; }

    /// <summary>The values allowed, when the spec gives an enum.</summary>
    public IReadOnlyList<string>? Values { get; init; }
}
