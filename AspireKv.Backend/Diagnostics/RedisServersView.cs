using AspireKv.Contracts;

namespace AspireKv.Backend.Diagnostics;

/// <summary>
/// The Redis servers as this backend last saw them (<see cref="Current"/>, for <c>/admin/status</c> and the cluster
/// panel), and the failovers it saw: behind Sentinel, every time another server answers as the primary.
/// </summary>
internal sealed class RedisServersView(TimeProvider time)
{
    private RedisServersStatus? _current;

    /// <summary>The last observation; null before the first.</summary>
    public RedisServersStatus? Current => Volatile.Read(ref _current);

    /// <summary>Records what the primary said. Called by one observer at a time.</summary>
    public void Observe(string primary, bool followsFailovers, long primaryOffset, IReadOnlyList<RedisReplicaStatus> replicas)
    {
        var previous = Current;
        var now = time.GetUtcNow();
        var failedOver = followsFailovers && previous is not null && previous.Primary != primary;
        Volatile.Write(ref _current, new RedisServersStatus(
            primary,
            followsFailovers,
            primaryOffset,
            replicas,
            (previous?.FailoversSeen ?? 0) + (failedOver ? 1 : 0),
            failedOver ? now : previous?.LastFailoverAt,
            now));
    }
}
