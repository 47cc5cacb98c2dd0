using System.Globalization;
using System.Net;
using Klaviyo.Client.RateLimiting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Klaviyo.Mcp.Redis;

/// <summary>
/// Rate-limit windows in Redis, shared by every replica: one sorted set per account and bucket,
/// <c>klaviyo-mcp:&lt;key fingerprint&gt;:&lt;bucket&gt;</c>, holding the time of each permit granted within the longest
/// window. One Lua script counts every window (second, minute and, where Klaviyo has one, day, each a little longer
/// than Klaviyo's) and grants a permit in all of them or none, by Redis's own clock: N replicas together never let
/// any second or minute hold more requests than the limit. Neither a key nor anything derived from one but its
/// fingerprint is ever sent to Redis.
/// <para>When Redis cannot be reached, <see cref="TryTakeAsync"/> says so (null) and the limiter counts in process; this
/// is logged once, and once more when Redis is back. The connection is re-established in the background: no restart.</para>
/// </summary>
public sealed class RedisRateLimitStore : ISharedRateLimitStore, IAsyncDisposable
{
    public const string KeyPrefix = "klaviyo-mcp:";

    // ARGV[1]: the longest window, ARGV[2]: the spacing between permits (both in microseconds); then a limit and a window
    // (microseconds) per window; last, this permit's unique member. Returns 0 when a permit was taken in every window,
    // else the microseconds until every window may have room and the spacing has passed.
    private const string TakeScript = """
        local function text(x) return string.format('%.0f', x) end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local longest = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', text(now - longest))
        local wait = 0
        local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        if newest[2] then
          wait = tonumber(newest[2]) + tonumber(ARGV[2]) - now
        end
        for i = 3, #ARGV - 1, 2 do
          local limit = tonumber(ARGV[i])
          local span = tonumber(ARGV[i + 1])
          local from = '(' .. text(now - span)
          local count = redis.call('ZCOUNT', KEYS[1], from, '+inf')
          if count >= limit then
            local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
            local free = tonumber(oldest[2]) + span - now
            if free > wait then wait = free end
          end
        end
        if wait > 0 then return wait end
        redis.call('ZADD', KEYS[1], text(now), ARGV[#ARGV])
        redis.call('PEXPIRE', KEYS[1], math.ceil(longest / 1000))
        return 0
        """;

    /// <summary>
    /// Replicas take their permits from one clock, but their requests reach Klaviyo after different delays (scheduling,
    /// connection pools, the network): a request granted early and delivered late could land in the same second as one
    /// granted a full window later and delivered at once. Counting every shared window this much longer keeps a second
    /// at Klaviyo within the limit when those delays differ by up to this much; it costs about 5% of a one-second burst.
    /// </summary>
    public static readonly TimeSpan DeliveryAllowance = TimeSpan.FromMilliseconds(50);

    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly ILogger _logger;
    private readonly string _endpoints;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private long _sequence;
    private int _unreachable;

    public RedisRateLimitStore(string connectionString, ILogger<RedisRateLimitStore> logger)
    {
        _logger = logger;
        var options = ConfigurationOptions.Parse(connectionString);
        _endpoints = string.Join(",", options.EndPoints.Select(Describe));

        // Never wait for Redis longer than a request would notice: commands fail at once while disconnected, and the
        // connection is retried every second in the background.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = 2000;
        }

        if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = 1000;
        }

        options.ClientName ??= "klaviyo-mcp";
        _connection = ConnectAsync(options);
    }

    public async ValueTask<TimeSpan?> TryTakeAsync(string account, string bucket, RateLimit limit, CancellationToken cancellationToken)
    {
        var connection = await _connection.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!connection.IsConnected)
        {
            Unreachable("not connected");
            return null;
        }

        try
        {
            var result = await connection.GetDatabase().ScriptEvaluateAsync(TakeScript, [Key(account, bucket)], Arguments(limit)).WaitAsync(cancellationToken).ConfigureAwait(false);
            Reachable();
            return TimeSpan.FromMicroseconds((long)result);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            Unreachable(ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// Sets <paramref name="key"/> for <paramref name="lifetime"/> if no replica has set it: true when this call set it,
    /// false when it was set already, null when Redis cannot be reached (as for the rate limits, said once in the log).
    /// </summary>
    public async ValueTask<bool?> TrySetOnceAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var connection = await _connection.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!connection.IsConnected)
        {
            Unreachable("not connected");
            return null;
        }

        try
        {
            var set = await connection.GetDatabase().StringSetAsync(key, 1, lifetime, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false);
            Reachable();
            return set;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            Unreachable(ex.GetType().Name);
            return null;
        }
    }

    /// <summary>The connection, for the other things replicas share through this Redis (sign-ins); null while it is not connected.</summary>
    internal async Task<IDatabase?> DatabaseAsync(CancellationToken cancellationToken)
    {
        var connection = await _connection.WaitAsync(cancellationToken).ConfigureAwait(false);
        return connection.IsConnected ? connection.GetDatabase() : null;
    }

    /// <summary>The Redis key of an account's bucket: its key's fingerprint, never the key.</summary>
    public static string Key(string account, string bucket) => KeyPrefix + account + ":" + bucket;

    public async ValueTask DisposeAsync()
    {
        var connection = await _connection.ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private RedisValue[] Arguments(RateLimit limit)
    {
        var windows = new List<(int Limit, TimeSpan Span)>(3);
        if (limit.PerDay is { } day)
        {
            windows.Add((day, Span(TimeSpan.FromDays(1))));
        }

        windows.Add((limit.PerMinute, Span(TimeSpan.FromMinutes(1))));
        windows.Add((limit.PerSecond, Span(TimeSpan.FromSeconds(1))));

        var arguments = new RedisValue[3 + (windows.Count * 2)];
        arguments[0] = (long)windows.Max(w => w.Span).TotalMicroseconds;
        arguments[1] = (long)(Span(TimeSpan.FromSeconds(1)) / limit.PerSecond).TotalMicroseconds;
        for (var i = 0; i < windows.Count; i++)
        {
            arguments[2 + (2 * i)] = windows[i].Limit;
            arguments[3 + (2 * i)] = (long)windows[i].Span.TotalMicroseconds;
        }

        arguments[^1] = _instance + ":" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
        return arguments;

    }

    /// <summary>
    /// How long a window is counted: Klaviyo's, plus the in-process limiter's margin, plus <see cref="DeliveryAllowance"/>.
    /// </summary>
    public static TimeSpan Span(TimeSpan window) => window + KlaviyoRateLimiter.SafetyMargin(window) + DeliveryAllowance;

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        if (connection.IsConnected)
        {
            _logger.LogInformation("Rate limits are shared through Redis at {Endpoints}", _endpoints);
        }
        else
        {
            Unreachable("no connection at startup");
        }

        return connection;
    }

    private void Unreachable(string reason)
    {
        if (Interlocked.Exchange(ref _unreachable, 1) == 0)
        {
            _logger.LogWarning(
                "Redis at {Endpoints} cannot be reached ({Reason}): rate limits are counted by this process alone until it is back, so each replica allows Klaviyo's full limit by itself",
                _endpoints,
                reason);
        }
    }

    private void Reachable()
    {
        if (Interlocked.Exchange(ref _unreachable, 0) == 1)
        {
            _logger.LogWarning("Redis at {Endpoints} is reachable again: rate limits are shared again", _endpoints);
        }
    }

    private static string Describe(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };
}
