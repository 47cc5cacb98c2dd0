using Klaviyo.Mcp.OAuth;

namespace Klaviyo.Mcp.Tests;

/// <summary><see cref="OAuthGrantsContract"/> over the store of one process.</summary>
public sealed class OAuthGrantsTests : OAuthGrantsContract
{
    private readonly InMemoryOAuthStore _store;

    public OAuthGrantsTests() => _store = new InMemoryOAuthStore(Time);

    protected override IOAuthStore Store() => _store;
}
