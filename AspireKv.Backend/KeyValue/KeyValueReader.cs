using AspireKv.Backend.Expiry;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Synchronization;
using Microsoft.Extensions.Options;

namespace AspireKv.Backend.KeyValue;

/// <summary>
/// Answers reads from this replica's memory at the consistency a client asks for. A local read answers at
/// once. A session read first waits until every write up to the client's token is applied here; a strong read
/// first reads the head version from Redis and waits until it is applied, so it reflects every write
/// acknowledged before it started. Waits are bounded by <see cref="ReplicationOptions.ReadWaitTimeout"/>, a strong
/// read's call to Redis included: a primary that died or hangs answers nothing until the client library gives up
/// (seconds later), and a read the balancer times out counts against this backend's health, so a few such reads
/// took every backend out of rotation during a failover and even local reads found no backend.
/// A key whose time to live has run out is not found (<see cref="ExpiryRules"/>): a strong read tells by the time Redis
/// answered it with, the others by this backend's estimate of Redis's clock.
/// </summary>
internal sealed class KeyValueReader(
    Replica replica,
    ReplicationStatus status,
    IReplicationLog log,
    AppliedVersionWaiter waiter,
    ReplicationSynchronizer synchronizer,
    IOptions<ReplicationOptions> options,
    RedisClock clock,
    TimeProvider time)
{
    private readonly TimeSpan _waitTimeout = options.Value.ReadWaitTimeout;

    /// <summary>Reads <paramref name="key"/>; throws <see cref="ReplicationUnavailableException"/> when a strong read cannot reach Redis.</summary>
    public async Task<ReadOutcome> ReadAsync(string key, ReadConsistency consistency, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var strong = consistency.Level == ConsistencyLevel.Strong ? await ReadCommittedStateAsync(cancellationToken).ConfigureAwait(false) : default;
        var required = consistency.Level switch
        {
            ConsistencyLevel.Session => consistency.MinVersion,
            ConsistencyLevel.Strong => strong.Head,
            _ => 0,
        };

        if (required > replica.AppliedVersion)
        {
            // Normally the channel delivers within milliseconds; if a message was lost, read it back now.
            synchronizer.RequestCheck();
            var remaining = _waitTimeout - time.GetElapsedTime(started);
            if (!await waiter.WaitForAsync(required, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
            {
                return new ReadOutcome(ReadStatus.Behind, default, replica.AppliedVersion, required, !status.RedisConnected);
            }
        }

        var applied = replica.AppliedVersion;
        var held = replica.Store.TryGet(key, out var entry);
        // Only a key that expires needs the clock.
        var now = held && entry.Expires ? clock.Now() : default;
        var found = held && (strong.Clock > 0 ? ExpiryRules.IsLiveAt(entry, strong.Clock) : ExpiryRules.IsLive(entry, now));
        var stale = consistency.Level != ConsistencyLevel.Strong
            && (!status.RedisConnected || status.Reloading || (found && ExpiryRules.IsUncertain(entry.ExpiresAt, now)));
        return new ReadOutcome(
            found ? ReadStatus.Found : ReadStatus.NotFound,
            entry,
            applied,
            required,
            PossiblyStale: stale,
            ExpiresIn: found ? ExpiryRules.SecondsLeft(entry.ExpiresAt, now) : null);
    }

    private async Task<ClusterState> ReadCommittedStateAsync(CancellationToken cancellationToken)
    {
        var reading = log.ReadStateAsync(cancellationToken);
        ClusterState state;
        try
        {
            state = await reading.WaitAsync(_waitTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The call goes on and may still fail: observed here, since nobody waits for it any more.
            _ = reading.ContinueWith(static failed => failed.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            synchronizer.RequestCheck();
            throw new ReplicationUnavailableException(
                $"Redis did not answer within {_waitTimeout.TotalSeconds:0.###} s; strong reads resume when it does.");
        }

        if (state.Epoch is null || state.PrimaryChanged)
        {
            synchronizer.RequestCheck();
            throw new ReplicationUnavailableException("Redis lost data and is being restored from the backends; strong reads resume when it is done.");
        }

        if (state.ConnectedReplicas == 0)
        {
            // Nothing shows that this server is still the primary: a strong read could miss writes acknowledged elsewhere.
            synchronizer.RequestCheck();
            throw new ReplicationUnavailableException("Redis's primary has no replica connected; strong reads resume when it has one again.");
        }

        if (state.Epoch != status.Epoch)
        {
            // Another generation than the one loaded here: its head says nothing about what this backend has applied.
            synchronizer.RequestCheck();
            throw new ReplicationUnavailableException("The cluster's data changed generation and this backend is reloading it; strong reads resume when it is done.");
        }

        status.HeadObserved(state.Head);
        return state;
    }
}
