using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Synchronization;

/// <summary>
/// Keeps this replica in step with Redis: subscribes first, then, at every check, reads the head and the
/// epoch and carries out what <see cref="SyncPlanner"/> decides: load the durable copy, read missed writes
/// from the recent log, or restore a Redis that lost data from this backend's memory. Only moves entries
/// between <see cref="IReplicationLog"/> and <see cref="Replica"/>.
/// </summary>
/// <remarks>
/// Gaps are found two ways. A message that arrives more than one version ahead opens a gap at once; it is
/// filled if it is still open after <see cref="ReplicationOptions.GapGracePeriod"/>. A message lost at the
/// tail has no later message to reveal it, so every <see cref="ReplicationOptions.CatchUpInterval"/> the
/// head is read: a version that existed at the previous check and is still not applied was lost.
/// </remarks>
internal sealed class ReplicationSynchronizer(
    IReplicationLog log,
    Replica replica,
    ReplicationStatus status,
    ReplicationMetrics metrics,
    NodeIdentity node,
    IOptions<ReplicationOptions> options,
    ILogger<ReplicationSynchronizer> logger) : BackgroundService
{
    private static readonly TimeSpan RestorePollInterval = TimeSpan.FromMilliseconds(200);
    private readonly ReplicationOptions _options = options.Value;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private volatile bool _catchUpRequested;
    private long _headAtPreviousCheck;
    private bool _unreachableLogged;

    /// <summary>Asks for a check now instead of at the next tick (a strong read, a refused write, a reconnection).</summary>
    public void RequestCheck()
    {
        _catchUpRequested = true;
        _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SynchronizeAsync(stoppingToken).ConfigureAwait(false);
                _unreachableLogged = false;
            }
            catch (ReplicationUnavailableException exception)
            {
                status.RedisUnreachable();
                if (!_unreachableLogged)
                {
                    Log.RedisUnreachable(logger, exception);
                    _unreachableLogged = true;
                }

                // Whatever was published meanwhile is lost to us: read it back once Redis answers again.
                _catchUpRequested = true;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A failure nobody foresaw must not stop the backend (a stopped synchronizer stops the host): the
                // next check starts over from what Redis says.
                status.RedisUnreachable();
                Log.SynchronizationFailed(logger, exception);
                _catchUpRequested = true;
            }

            await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        // Subscribe before anything is loaded, so that no write committed during the load can be missed.
        while (true)
        {
            try
            {
                await log.SubscribeAsync(OnEntry, OnReconnected, stoppingToken).ConfigureAwait(false);
                Log.Subscribed(logger);
                return;
            }
            catch (ReplicationUnavailableException exception)
            {
                status.RedisUnreachable();
                if (!_unreachableLogged)
                {
                    Log.RedisUnreachable(logger, exception);
                    _unreachableLogged = true;
                }

                await Task.Delay(_options.CatchUpInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SynchronizeAsync(CancellationToken cancellationToken)
    {
        if (replica.FirstMissingVersion is { } missing)
        {
            // A message overtook an older one. Give the older one a moment to arrive before reading the log.
            await Task.Delay(_options.GapGracePeriod, cancellationToken).ConfigureAwait(false);
            if (replica.AppliedVersion < missing)
            {
                _catchUpRequested = true;
            }
        }

        // The highest version applied is read before the head, so a head below it means Redis lost writes.
        var highest = replica.HighestVersion;
        var state = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
        var action = SyncPlanner.Decide(
            state, status.Epoch, highest, replica.AppliedVersion, Interlocked.Read(ref _headAtPreviousCheck), _catchUpRequested, log.FollowsFailovers);
        switch (action)
        {
            case SyncAction.FullResync:
                await FullResyncAsync(cancellationToken).ConfigureAwait(false);
                return;
            case SyncAction.InvalidateAndRestore:
                if (state.PrimaryChanged)
                {
                    Log.PrimaryChanged(logger, state.Epoch!);
                }
                else
                {
                    Log.RedisBehind(logger, state.Head, highest);
                }

                await log.InvalidateEpochAsync(state.Epoch!, cancellationToken).ConfigureAwait(false);
                await RestoreAsync(cancellationToken).ConfigureAwait(false);
                return;
            case SyncAction.DistrustServer:
                // ReadStateAsync has refused such a state already; kept so that the plan is carried out whatever reads it.
                log.LookForPrimary();
                throw new ReplicationUnavailableException("The server answering as Redis's primary is not to be believed.");
            case SyncAction.Restore:
                await RestoreAsync(cancellationToken).ConfigureAwait(false);
                return;
            case SyncAction.CatchUp:
                if (!await FillFromLogAsync(state.Head, state.Server, cancellationToken).ConfigureAwait(false))
                {
                    await FullResyncAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                break;
        }

        _catchUpRequested = false;
        Interlocked.Exchange(ref _headAtPreviousCheck, state.Head);
    }

    private async Task FullResyncAsync(CancellationToken cancellationToken)
    {
        status.FullResyncStarted();
        while (true)
        {
            // Every write up to this head is in the durable copy before the scan starts; later ones either show
            // up in the scan too or arrive on the channel, and the version rule makes their order irrelevant.
            var snapshot = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot.Epoch is null || snapshot.PrimaryChanged)
            {
                return; // Redis lost its data meanwhile, or has a new primary; the next check restores it. Not ready until then.
            }

            status.LoadingEpoch(snapshot.Epoch);

            long entries = 0;
            await foreach (var entry in log.ReadDurableCopyAsync(snapshot.Server, cancellationToken).ConfigureAwait(false))
            {
                replica.Apply(entry);
                entries++;
            }

            replica.CompleteFullSync(snapshot.Head);

            // Writes committed during the scan whose messages were lost would otherwise wait for the next check.
            var after = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
            if (after.Epoch != snapshot.Epoch || after.Server != snapshot.Server || !await FillFromLogAsync(after.Head, after.Server, cancellationToken).ConfigureAwait(false))
            {
                continue; // the epoch or the primary changed, or writes outran the log during the scan: load again
            }

            Interlocked.Exchange(ref _headAtPreviousCheck, after.Head);
            _catchUpRequested = false;
            status.FullResyncCompleted(snapshot.Epoch);
            Log.FullSyncCompleted(logger, entries, replica.AppliedVersion);
            return;
        }
    }

    /// <summary>
    /// Redis has no epoch: it restarted empty or behind, or a restore is already running. Write everything this
    /// backend holds back into the durable copy, then wait until every live backend has done the same and a new
    /// epoch lets writes in again; then reload.
    /// </summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        status.RestoreStarted();
        Log.RestoreStarted(logger, replica.Store.EntryCount);
        var knownGeneration = Epochs.GenerationOf(status.HighestEpoch);
        await log.JoinRestoreAsync(node.Name, knownGeneration, _options.RestoreBarrier, _options.RestoreMemberTtl, cancellationToken).ConfigureAwait(false);

        var batch = new List<ReplicationEntry>(_options.RestoreBatchSize);
        foreach (var (key, stored) in replica.Store.Entries)
        {
            batch.Add(new ReplicationEntry(
                stored.Version, stored.IsTombstone ? ChangeKind.Delete : ChangeKind.Set, key, stored.Value ?? [], node.Name, null, ExpiresAt: stored.ExpiresAt));
            if (batch.Count == _options.RestoreBatchSize)
            {
                await log.WriteBackAsync(batch, status.HeadVersion, cancellationToken).ConfigureAwait(false);
                await log.JoinRestoreAsync(node.Name, knownGeneration, _options.RestoreBarrier, _options.RestoreMemberTtl, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        await log.WriteBackAsync(batch, status.HeadVersion, cancellationToken).ConfigureAwait(false);
        await log.LeaveRestoreAsync(node.Name, cancellationToken).ConfigureAwait(false);

        var epochId = Guid.NewGuid().ToString("N");
        string? epoch;
        while ((epoch = await log.TryCompleteRestoreAsync(epochId, cancellationToken).ConfigureAwait(false)) is null)
        {
            await Task.Delay(RestorePollInterval, cancellationToken).ConfigureAwait(false);
        }

        status.RestoreCompleted();
        Log.RestoreCompleted(logger, epoch);
        await FullResyncAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads missed writes up to <paramref name="upTo"/> from the recent log; false when it no longer reaches back.</summary>
    private async Task<bool> FillFromLogAsync(long upTo, string? server, CancellationToken cancellationToken)
    {
        var filled = await LogReplay.FillAsync(
            () => replica.AppliedVersion,
            upTo,
            _options.CatchUpBatchSize,
            (from, to, limit) => log.ReadRangeAsync(from, to, limit, server, cancellationToken),
            entry => ApplyWithTrace(entry, "log")).ConfigureAwait(false);
        if (filled is null)
        {
            Log.LogTooShort(logger, replica.AppliedVersion + 1);
            return false;
        }

        if (filled > 0)
        {
            metrics.CaughtUp(filled.Value);
            Log.CaughtUp(logger, filled.Value, replica.AppliedVersion);
        }

        return true;
    }

    /// <summary>Reads the state, and believes it only if <see cref="SyncPlanner.IsTrusted"/> does: every state acted on, a full load's included.</summary>
    private async Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken)
    {
        var state = await log.ReadStateAsync(cancellationToken).ConfigureAwait(false);
        if (!SyncPlanner.IsTrusted(state, status.HighestEpoch, log.FollowsFailovers))
        {
            // Not even its head counts as seen: a demoted primary's head can hold versions nobody acknowledged, and
            // the version floor would then refuse this backend's writes on the real primary.
            log.LookForPrimary();
            throw new ReplicationUnavailableException(state.ConnectedReplicas == 0
                ? "The server answering as Redis's primary has no replica: it may be a demoted primary that has not heard so yet."
                : $"The server answering as Redis's primary holds epoch {state.Epoch}, another history than {status.HighestEpoch} loaded here: it is a demoted primary.");
        }

        status.HeadObserved(state.Head);
        return state;
    }

    private void OnEntry(ReplicationEntry entry)
    {
        if (entry.Epoch != status.AcceptedEpoch)
        {
            // A write of another generation: one this backend has not loaded yet (a load brings it), or one a demoted
            // primary still published, which must not be applied. Either way a check finds out which.
            metrics.OtherEpochMessage();
            RequestCheck();
            return;
        }

        status.HeadObserved(entry.Version);
        if (entry.Origin == node.Name)
        {
            // Our own write: the request that made it applies and traces it too (the echo may even arrive
            // first), so applying it here once more is harmless and tracing it would count it twice.
            replica.Apply(entry);
        }
        else
        {
            ApplyWithTrace(entry, "channel");
        }

        if (replica.FirstMissingVersion is not null)
        {
            _wake.Release();
        }
    }

    private void OnReconnected()
    {
        Log.Reconnected(logger);
        RequestCheck();
    }

    private void ApplyWithTrace(ReplicationEntry entry, string source)
    {
        using var activity = ReplicationTracing.StartProcess(entry, node.Name, source);
        var outcome = replica.Apply(entry);
        metrics.Applied(stale: outcome == Storage.ApplyOutcome.Stale);
    }

    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        await _wake.WaitAsync(_options.CatchUpInterval, cancellationToken).ConfigureAwait(false);
        // Collapse a burst of wake-ups into one round of work.
        while (_wake.CurrentCount > 0 && _wake.Wait(0, CancellationToken.None))
        {
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
