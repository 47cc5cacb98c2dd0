namespace Klaviyo.Mcp.Access;

/// <summary>
/// Who calls, over HTTP, as authentication found them: how refusals name them (<c>the token "alice"</c>), what
/// per-caller limits count by (holding no secret: the token's name, the key's fingerprint, or the signed-in person's
/// subject), and their own restrictions. <paramref name="RestrictionsKey"/> names where the restrictions come from when
/// many callers share them (a principal of the policy file): their instructions are built once; null: <paramref name="Id"/>.
/// </summary>
public sealed record Caller(string Name, string Id, AccessRestrictions Restrictions, string? RestrictionsKey = null);
