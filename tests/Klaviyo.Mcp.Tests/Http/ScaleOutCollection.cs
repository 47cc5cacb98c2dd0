namespace Klaviyo.Mcp.Tests;

/// <summary>The scale-out tests run three server processes at full speed against a stub that counts by arrival: no other test runs beside them.</summary>
[CollectionDefinition(nameof(ScaleOutCollection), DisableParallelization = true)]
public sealed class ScaleOutCollection;
