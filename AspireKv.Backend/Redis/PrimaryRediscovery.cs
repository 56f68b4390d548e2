using StackExchange.Redis;

namespace AspireKv.Backend.Redis;

/// <summary>
/// Makes a connection through Sentinel look for the primary again when a call finds none. StackExchange.Redis follows
/// a promotion by itself, but in failover tests one connection in four or so kept the old roles for minutes after
/// the Sentinels had promoted a replica (every call: "No connection (requires writable)"), while the other backends'
/// connections had moved on. Asking the servers their roles again (<c>ConfigureAsync</c>) finds the new primary. At
/// most once a second per connection; on a single Redis it does nothing, since there is no other server to find.
/// </summary>
internal sealed class PrimaryRediscovery(IConnectionMultiplexer connection)
{
    private static readonly long Interval = TimeSpan.FromSeconds(1).Ticks;
    private readonly bool _behindSentinel = !string.IsNullOrEmpty(ConfigurationOptions.Parse(connection.Configuration).ServiceName);
    private long _lastAttempt;

    /// <summary>Call after a call failed with <paramref name="exception"/>.</summary>
    public void AfterFailure(Exception exception)
    {
        if (exception is RedisConnectionException { FailureType: ConnectionFailureType.UnableToResolvePhysicalConnection })
        {
            LookAgain();
        }
    }

    /// <summary>Asks the servers their roles again (at most once a second): the one answering as primary is not the current one.</summary>
    public void LookAgain()
    {
        if (!_behindSentinel)
        {
            return;
        }

        var now = DateTime.UtcNow.Ticks;
        var last = Interlocked.Read(ref _lastAttempt);
        if (now - last >= Interval && Interlocked.CompareExchange(ref _lastAttempt, now, last) == last)
        {
            _ = connection.ConfigureAsync();
        }
    }
}
