using AspireKv.Contracts;

namespace AspireKv.Backend.Diagnostics;

/// <summary>
/// The Redis servers as this backend last saw them (<see cref="Current"/>, for <c>/admin/status</c> and the cluster
/// panel), and the failovers it saw: behind Sentinel, every time the primary's term changed between two observations.
/// </summary>
/// <remarks>
/// A term is told by the primary's replication ID, not by its address: Redis draws a new ID at every promotion, so a
/// server promoted again after another one's term (A, then B, then A) still counts, and so do failovers that happened
/// while this backend could not ask (two in one gap count as one). A server that gives no ID is told by its address.
/// </remarks>
internal sealed class RedisServersView(TimeProvider time)
{
    private Observation? _last;

    /// <summary>The last observation; null before the first.</summary>
    public RedisServersStatus? Current => Volatile.Read(ref _last)?.Status;

    /// <summary>Records what the primary said. Called by one observer at a time.</summary>
    public void Observe(string primary, string replicationId, bool followsFailovers, long primaryOffset, IReadOnlyList<RedisReplicaStatus> replicas)
    {
        var last = Volatile.Read(ref _last);
        var previous = last?.Status;
        var term = replicationId.Length > 0 ? replicationId : primary;
        var now = time.GetUtcNow();
        var failedOver = followsFailovers && last is not null && last.Term != term;
        Volatile.Write(ref _last, new Observation(term, new RedisServersStatus(
            primary,
            followsFailovers,
            primaryOffset,
            replicas,
            (previous?.FailoversSeen ?? 0) + (failedOver ? 1 : 0),
            failedOver ? now : previous?.LastFailoverAt,
            now)));
    }

    private sealed record Observation(string Term, RedisServersStatus Status);
}
