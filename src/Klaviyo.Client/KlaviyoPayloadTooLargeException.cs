namespace Klaviyo.Client;

/// <summary>A request body is larger than Klaviyo accepts for the operation; nothing was sent.</summary>
public sealed class KlaviyoPayloadTooLargeException(string operation, long bodyBytes, long limitBytes)
    : KlaviyoException($"the {operation} request body would be {bodyBytes:N0} bytes; Klaviyo accepts at most {limitBytes:N0} bytes ({limitBytes / (1024 * 1024.0):0.##} MB)")
{
    public string Operation { get; } = operation;

    public long BodyBytes { get; } = bodyBytes;

    public long LimitBytes { get; } = limitBytes;
}
