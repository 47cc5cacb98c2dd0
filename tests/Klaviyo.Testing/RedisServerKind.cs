namespace Klaviyo.Testing;

/// <summary>Where a test's Redis comes from.</summary>
public enum RedisServerKind
{
    /// <summary>One already running, named by <c>KLAVIYO_TEST_REDIS</c> (CI's, from <c>.ci/run</c>).</summary>
    Given,

    /// <summary>A <c>redis-server</c> found on PATH, started by the tests on a free loopback port.</summary>
    RedisServerProcess,

    /// <summary>
    /// Microsoft's Garnet, a Redis-compatible server, inside the test process on a free loopback port, with Lua scripts
    /// on and run as transactions (atomic, as Redis runs them): a machine with only the .NET SDK still runs every test.
    /// </summary>
    EmbeddedGarnet,
}
