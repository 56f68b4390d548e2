using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.KeyValue;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Expiry;

/// <summary>
/// Commits the delete of every key whose time to live has run out, as an ordinary write of kind
/// <see cref="ChangeKind.Expire"/>, conditional on the key's version, so that a write that refreshed the key wins.
/// Every backend sweeps; the first to commit wins and the others' attempts fail their condition. The commit script
/// checks the expiry on Redis's clock, so a backend whose estimate runs ahead cannot delete a key early.
/// </summary>
internal sealed class ExpirySweeper(
    Replica replica,
    ReplicationStatus status,
    KeyValueWriter writer,
    RedisClock clock,
    ReplicationMetrics metrics,
    TimeProvider time,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    /// <summary>How often the schedule is looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Expiries committed at once; each waits for its commit group, so one at a time would cap expiry at a few hundred a second.</summary>
    private const int Batch = 64;

    // The schedule keeps entries of keys written again since; pruned when they could outnumber the live keys.
    private const int RebuildFloor = 4_096;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!status.Ready || status.Restoring || !status.RedisConnected)
            {
                continue;
            }

            RebuildIfMostlyStale();
            await SweepDueAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SweepDueAsync(CancellationToken cancellationToken)
    {
        List<ScheduledExpiry> due;
        while ((due = replica.Expiries.TakeDue(clock.Now().Earliest, Batch)).Count > 0)
        {
            var deferred = await Task.WhenAll(due.Select(expiry => TryExpireAsync(expiry, cancellationToken))).ConfigureAwait(false);
            var retry = due.Where((_, i) => deferred[i]).ToList();
            foreach (var expiry in retry)
            {
                replica.Expiries.Add(expiry.Key, expiry.Version, expiry.ExpiresAt);
            }

            if (retry.Count > 0)
            {
                return; // until the next tick
            }
        }
    }

    /// <summary>Commits one expiry; true when it must be tried again later.</summary>
    private async Task<bool> TryExpireAsync(ScheduledExpiry expiry, CancellationToken cancellationToken)
    {
        if (!IsCurrent(expiry))
        {
            return false; // written again, or already deleted: nothing to do
        }

        try
        {
            var result = await writer.WriteAsync(
                new WriteRequest(ChangeKind.Expire, expiry.Key, [], new WriteCondition(WriteConditionKind.IfVersion, expiry.Version), ExpiresAt: expiry.ExpiresAt),
                cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case CommitStatus.Committed:
                    metrics.Expired();
                    return false;
                case CommitStatus.PreconditionFailed:
                    return false; // another backend expired it first, or a client wrote it again
                default:
                    Log.ExpiryDeferred(logger, expiry.Key, result.Status.ToString());
                    return true;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Redis away, or a failure nobody foresaw: an exception out of a hosted service would stop the backend.
            Log.ExpiryDeferred(logger, expiry.Key, exception.Message);
            return true;
        }
    }

    private void RebuildIfMostlyStale()
    {
        if (replica.Expiries.Count > Math.Max(RebuildFloor, 2 * replica.Store.LiveKeyCount))
        {
            replica.Expiries.Prune(IsCurrent);
        }
    }

    private bool IsCurrent(ScheduledExpiry expiry) =>
        replica.Store.TryGetKey(expiry.Key, out var stored) && !stored.IsTombstone && stored.Version == expiry.Version;
}
