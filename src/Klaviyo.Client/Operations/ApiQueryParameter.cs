namespace Klaviyo.Client.Operations;

/// <summary>One query parameter of an operation.</summary>
public sealed record ApiQueryParameter
{
    /// <summary>The name as sent, e.g. <c>fields[profile]</c>, <c>page[size]</c>, <c>filter</c>.</summary>
    public required string Name { get; init; }

    public required QueryParameterKind Kind { get; init; }

    public bool Required { get; init; }

    /// <summary>True for comma-separated lists (<c>fields</c>, <c>additional-fields</c>, <c>include</c>).</summary>
    public bool List { get; init; }

    /// <summary>The values allowed (each item of a list); null when any value goes.</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Bounds and default of an integer parameter (<c>page[size]</c>).</summary>
    public int? Minimum { get; init; }

    public int? Maximum { get; init; }

    public int? Default { get; init; }
}
