namespace Klaviyo.Client;

/// <summary>No answer from Klaviyo: the connection failed or the time budget ran out, after any retries that were safe.</summary>
public sealed class KlaviyoTransportException(string message, Exception? inner = null, bool maybeProcessed = false) : KlaviyoException(message, inner)
{
    /// <summary>A write that is not safe to repeat may have reached Klaviyo and been processed; it was not retried.</summary>
    public bool MaybeProcessed { get; } = maybeProcessed;
}
