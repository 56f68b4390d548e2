using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Node;
using AspireKv.Backend.Storage;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.Replication;

/// <summary>
/// Keeps this replica in step with the log: subscribes first, then loads the durable copy, then fills
/// every gap it finds from the recent log, falling back to a full reload when the log no longer reaches
/// back far enough. Only moves entries from <see cref="IReplicationLog"/> into <see cref="Replica"/>.
/// </summary>
/// <remarks>
/// Gaps are found two ways. A message that arrives more than one version ahead opens a gap at once; it is
/// filled if it is still open after <see cref="ReplicationOptions.GapGracePeriod"/>. A message lost at the
/// tail has no later message to reveal it, so every <see cref="ReplicationOptions.CatchUpInterval"/> the
/// head version is read: a version that existed at the previous tick and is still not applied was lost.
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
    private readonly ReplicationOptions _options = options.Value;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private volatile bool _fullResyncNeeded = true;
    private volatile bool _catchUpRequested;
    private long _headAtPreviousTick;
    private bool _unreachableLogged;

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
        if (_fullResyncNeeded)
        {
            await FullResyncAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (replica.FirstMissingVersion is { } missing)
        {
            // A message overtook an older one. Give the older one a moment to arrive before reading the log.
            await Task.Delay(_options.GapGracePeriod, cancellationToken).ConfigureAwait(false);
            if (replica.AppliedVersion < missing)
            {
                await FillFromLogAsync(replica.HighestVersion, cancellationToken).ConfigureAwait(false);
            }
        }

        var head = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        var applied = replica.AppliedVersion;
        if (head < applied)
        {
            Log.RedisBehind(logger, head, applied);
        }
        else if (applied < head && (_catchUpRequested || applied < Interlocked.Read(ref _headAtPreviousTick)))
        {
            // Writes that were committed a whole interval ago are still missing: their messages were lost.
            await FillFromLogAsync(head, cancellationToken).ConfigureAwait(false);
        }

        _catchUpRequested = false;
        Interlocked.Exchange(ref _headAtPreviousTick, head);
    }

    private async Task FullResyncAsync(CancellationToken cancellationToken)
    {
        status.FullResyncStarted();
        // Every write up to this head is in the durable copy before the scan starts; later ones either show
        // up in the scan too or arrive on the channel, and the version rule makes their order irrelevant.
        var snapshotHead = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        long entries = 0;
        await foreach (var entry in log.ReadDurableCopyAsync(cancellationToken).ConfigureAwait(false))
        {
            replica.Apply(entry);
            entries++;
        }

        replica.CompleteFullSync(snapshotHead);
        _fullResyncNeeded = false;

        // Writes committed during the scan whose messages were lost would otherwise wait for the next tick.
        var head = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        await FillFromLogAsync(head, cancellationToken).ConfigureAwait(false);
        if (_fullResyncNeeded)
        {
            return;
        }

        Interlocked.Exchange(ref _headAtPreviousTick, head);
        status.FullResyncCompleted();
        Log.FullSyncCompleted(logger, entries, replica.AppliedVersion);
    }

    private async Task FillFromLogAsync(long upTo, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (replica.AppliedVersion < upTo)
        {
            var from = replica.AppliedVersion + 1;
            var batch = await log.ReadRangeAsync(from, upTo, _options.CatchUpBatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0 || batch[0].Version > replica.AppliedVersion + 1)
            {
                if (replica.AppliedVersion >= from)
                {
                    continue; // the channel delivered it meanwhile
                }

                // Every version is in the log until it is trimmed, so a missing one means the log is too short.
                Log.LogTooShort(logger, from, batch.Count == 0 ? 0 : batch[0].Version);
                _fullResyncNeeded = true;
                _wake.Release();
                return;
            }

            foreach (var entry in batch)
            {
                ApplyWithTrace(entry, "log");
            }

            filled += batch.Count;
        }

        if (filled > 0)
        {
            metrics.CaughtUp(filled);
            Log.CaughtUp(logger, filled, replica.AppliedVersion);
        }
    }

    private async Task<long> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = await log.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        status.HeadObserved(head);
        return head;
    }

    private void OnEntry(ReplicationEntry entry)
    {
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
        _catchUpRequested = true;
        _wake.Release();
    }

    private void ApplyWithTrace(ReplicationEntry entry, string source)
    {
        using var activity = ReplicationTracing.StartProcess(entry, node.Name, source);
        var outcome = replica.Apply(entry);
        metrics.Applied(stale: outcome == ApplyOutcome.Stale);
    }

    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        if (_fullResyncNeeded && status.RedisConnected)
        {
            return;
        }

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
