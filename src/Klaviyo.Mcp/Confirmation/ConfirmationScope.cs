namespace Klaviyo.Mcp.Confirmation;

/// <summary>
/// Whether the person confirmed the tool call in progress: begun for each call by a request filter, marked by
/// <see cref="ConfirmationGate"/> when it lets the call go on (a yes, a token, or confirmation switched off by the
/// operator), and checked by the one call path (<see cref="Tools.KlaviyoCalls"/>) before it sends an operation the
/// catalogue classes destructive. So which calls need a confirmation follows from the catalogue: a tool that would send
/// a destructive operation without asking fails instead, and nothing is sent.
/// </summary>
public sealed class ConfirmationScope
{
    private static readonly AsyncLocal<ConfirmationScope?> s_current = new();

    private ConfirmationScope()
    {
    }

    /// <summary>The scope of the tool call in progress; null outside a tool call (the doctor command, say).</summary>
    public static ConfirmationScope? Current => s_current.Value;

    /// <summary>Whether the gate let this call go on.</summary>
    public bool Confirmed { get; private set; }

    /// <summary>Begins the scope of one tool call, for the rest of the calling async flow.</summary>
    public static void Begin() => s_current.Value = new ConfirmationScope();

    internal void Confirm() => Confirmed = true;
}
