using System.Runtime.CompilerServices;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Faults;

/// <summary>
/// The replication log as a backend cut off from Redis sees it: while <see cref="RedisFaultSwitch"/> is cut,
/// every call fails as an unreachable Redis would, and every entry that arrives is lost. The log underneath
/// never knows about the simulation. A call already under way when the cut comes finishes, as one already on the
/// wire would with a real cut.
/// </summary>
internal sealed class CutOffReplicationLog(IReplicationLog inner, RedisFaultSwitch faults) : IReplicationLog
{
    public bool FollowsFailovers => inner.FollowsFailovers;

    public Task<CommitResult> CommitAsync(WriteRequest request, byte[] body, long highestKnownVersion, string? writerEpoch, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.CommitAsync(request, body, highestKnownVersion, writerEpoch, cancellationToken);
    }

    public void Publish(long version, byte[] body)
    {
        // Lost on the way while cut, as a message sent over a cut link; peers read it back from the log.
        if (!faults.CutOff)
        {
            inner.Publish(version, body);
        }
    }

    public Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.ReadStateAsync(cancellationToken);
    }

    public Task<long> ReadClockAsync(CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.ReadClockAsync(cancellationToken);
    }

    public Task<IReadOnlyList<ReplicationEntry>> ReadRangeAsync(long fromVersion, long toVersion, int limit, string? server, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.ReadRangeAsync(fromVersion, toVersion, limit, server, cancellationToken);
    }

    public async IAsyncEnumerable<ReplicationEntry> ReadDurableCopyAsync(string? server, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        await foreach (var entry in inner.ReadDurableCopyAsync(server, cancellationToken).ConfigureAwait(false))
        {
            // A cut in the middle of a long read breaks it, as a lost connection would.
            faults.ThrowIfCutOff();
            yield return entry;
        }
    }

    public async Task SubscribeAsync(Action<ReplicationEntry> onEntry, Action onReconnected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onEntry);
        faults.ThrowIfCutOff();
        await inner.SubscribeAsync(
            entry =>
            {
                if (!faults.CutOff)
                {
                    onEntry(entry);
                }
            },
            onReconnected,
            cancellationToken).ConfigureAwait(false);
        // Only once subscribed: a subscription that failed is tried again, and each attempt would add a handler.
        faults.Reconnected += onReconnected;
    }

    public Task JoinRestoreAsync(string node, long knownGeneration, TimeSpan barrier, TimeSpan membershipTtl, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.JoinRestoreAsync(node, knownGeneration, barrier, membershipTtl, cancellationToken);
    }

    public Task<string?> SeedAsync(IReadOnlyList<ReplicationEntry> entries, long expectedHead, string expectedEpoch, long newHead, string epochId, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.SeedAsync(entries, expectedHead, expectedEpoch, newHead, epochId, cancellationToken);
    }

    public Task WriteBackAsync(IReadOnlyList<ReplicationEntry> entries, long highestSeenVersion, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.WriteBackAsync(entries, highestSeenVersion, cancellationToken);
    }

    public Task LeaveRestoreAsync(string node, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.LeaveRestoreAsync(node, cancellationToken);
    }

    public Task<string?> TryCompleteRestoreAsync(string epochId, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.TryCompleteRestoreAsync(epochId, cancellationToken);
    }

    public void LookForPrimary() => inner.LookForPrimary();

    public Task InvalidateEpochAsync(string epoch, CancellationToken cancellationToken)
    {
        faults.ThrowIfCutOff();
        return inner.InvalidateEpochAsync(epoch, cancellationToken);
    }
}
