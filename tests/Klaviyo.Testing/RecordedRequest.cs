namespace Klaviyo.Testing;

/// <summary>One request the Klaviyo stub received, as it arrived.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    DateTime ReceivedAt)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"no {name} header in {Method} {Path}");
}
