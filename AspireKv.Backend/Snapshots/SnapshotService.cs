using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Synchronization;
using AspireKv.Contracts;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Snapshots;

/// <summary>
/// Takes a snapshot of this backend's store, and seeds the cluster from one. The rules are in
/// <see cref="SnapshotComposer"/> and <see cref="SnapshotRestorePlanner"/>; this only reads and writes.
/// </summary>
internal sealed class SnapshotService(
    Replica replica,
    ReplicationStatus status,
    IReplicationLog log,
    ReplicationSynchronizer synchronizer,
    AppliedVersionWaiter waiter,
    NodeIdentity node,
    IOptions<ReplicationOptions> options)
{
    // A copy that a restore or a trimmed log spoiled is taken again, a few times.
    private const int Attempts = 5;

    // How long a restore waits for this backend to serve what it restored before it answers.
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan EpochPollInterval = TimeSpan.FromMilliseconds(10);

    private readonly int _batchSize = options.Value.CatchUpBatchSize;

    /// <summary>The store at one version.</summary>
    /// <exception cref="ReplicationUnavailableException">This backend has not loaded the cluster, or Redis cannot be read.</exception>
    public async Task<StoreSnapshot> TakeAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var epoch = status.Epoch;
            if (!status.Ready || epoch is null)
            {
                throw new ReplicationUnavailableException("This backend has not loaded the cluster's data yet.");
            }

            var appliedBefore = replica.AppliedVersion;
            var copied = replica.Store.Entries.ToList();
            var missed = await ReadLogAsync(appliedBefore + 1, SnapshotComposer.HighestVersion(copied), cancellationToken).ConfigureAwait(false);
            if (status.Epoch == epoch && SnapshotComposer.Compose(copied, appliedBefore, missed) is { } snapshot)
            {
                return snapshot;
            }
        }

        throw new ReplicationUnavailableException("The store kept changing under the snapshot faster than the recent log could make up for; try again.");
    }

    /// <summary>
    /// Seeds the cluster from <paramref name="snapshot"/> and waits until this backend serves it. Answers why not when
    /// the cluster holds data and <paramref name="force"/> is not set, or was written to while the restore read it.
    /// </summary>
    /// <exception cref="ReplicationUnavailableException">Redis cannot be reached, or a restore of Redis is running.</exception>
    public async Task<(SnapshotRestored? Restored, string? Conflict)> RestoreAsync(StoreSnapshot snapshot, bool force, long bump, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = await log.ReadStateAsync(cancellationToken).ConfigureAwait(false);
        if (state.Epoch is null || !SyncPlanner.IsTrusted(state, status.HighestEpoch, log.FollowsFailovers))
        {
            throw new ReplicationUnavailableException("Redis is being restored, or its primary is not to be believed; try again.");
        }

        // A dictionary, as a scan of the durable copy may answer a key twice.
        var existing = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var entry in log.ReadDurableCopyAsync(state.Server, cancellationToken).ConfigureAwait(false))
        {
            existing[entry.Key] = entry.Kind == ChangeKind.Set;
        }

        var live = existing.Count(pair => pair.Value);
        if (live > 0 && !force)
        {
            return (null, $"The cluster holds {live} keys. Restore into an empty cluster, or force it to replace them.");
        }

        var plan = SnapshotRestorePlanner.Plan(snapshot, [.. existing.Select(pair => (pair.Key, pair.Value))], state.Head, bump, node.Name);
        var epoch = await log.SeedAsync(plan.Entries, state.Head, state.Epoch, plan.NewHead, Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
        if (epoch is null)
        {
            return (null, "The cluster was written to, or restored, while the snapshot was being put in; nothing was restored. Try again.");
        }

        synchronizer.RequestCheck();
        await WaitUntilLoadedAsync(plan.NewHead, epoch, cancellationToken).ConfigureAwait(false);
        return (new SnapshotRestored(snapshot.Keys.Count, plan.Deleted, plan.KeepsVersions, plan.NewHead, epoch), null);
    }

    // Answered once this backend serves the restored data and takes writes in the new epoch (its version can be applied
    // a moment before the load completes), or after ReloadTimeout: the restore stands either way.
    private async Task WaitUntilLoadedAsync(long head, string epoch, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReloadTimeout);
        try
        {
            await waiter.WaitForAsync(head, ReloadTimeout, deadline.Token).ConfigureAwait(false);
            while (status.Epoch != epoch)
            {
                await Task.Delay(EpochPollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<List<ReplicationEntry>> ReadLogAsync(long from, long to, CancellationToken cancellationToken)
    {
        var entries = new List<ReplicationEntry>();
        while (from <= to)
        {
            var batch = await log.ReadRangeAsync(from, to, _batchSize, server: null, cancellationToken).ConfigureAwait(false);
            entries.AddRange(batch);
            if (batch.Count == 0)
            {
                break;
            }

            from = batch[^1].Version + 1;
        }

        return entries;
    }
}
