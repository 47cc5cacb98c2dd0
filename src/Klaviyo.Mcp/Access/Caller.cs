namespace Klaviyo.Mcp.Access;

/// <summary>
/// Who calls, over HTTP, as authentication found them: how refusals name them (<c>the token "alice"</c>), what
/// per-caller limits count by (holding no secret: the token's name, or the key's fingerprint), and their own restrictions.
/// </summary>
public sealed record Caller(string Name, string Id, AccessRestrictions Restrictions);
