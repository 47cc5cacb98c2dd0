namespace Klaviyo.Mcp.Tests;

/// <summary>The soak runs in isolation: no other test allocates while it measures memory.</summary>
[CollectionDefinition(nameof(SoakTests), DisableParallelization = true)]
public sealed class SoakCollection;
