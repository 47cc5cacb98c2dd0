namespace Klaviyo.Client.Operations;

/// <summary>
/// One thing wrong with a request, found before it is sent: <paramref name="Path"/> names the argument
/// (<c>body.data.attributes.name</c>, <c>query.filter</c>, <c>path_params.id</c>) and <paramref name="Rule"/> says
/// what it must be, in plain words.
/// </summary>
public sealed record OperationViolation(string Path, string Rule)
{
    /// <summary><c>path: rule</c>.</summary>
    public override string ToString() => $"{Path}: {Rule}";
}
