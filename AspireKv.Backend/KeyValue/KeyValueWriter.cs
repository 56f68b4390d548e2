using System.Diagnostics;
using AspireKv.Backend.Node;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Synchronization;

namespace AspireKv.Backend.KeyValue;

/// <summary>
/// Accepts writes from this backend's clients: commits each through the replication log, which checks its
/// condition, orders it and fans it out, then applies it here before the client is answered, so the writer
/// reads its own write.
/// </summary>
internal sealed class KeyValueWriter(
    IReplicationLog log,
    Replica replica,
    ReplicationStatus status,
    ReplicationSynchronizer synchronizer,
    Diagnostics.ReplicationMetrics metrics,
    NodeIdentity node,
    ILogger<KeyValueWriter> logger)
{
    public async Task<CommitResult> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await CommitApplyAndPublishAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicationUnavailableException exception) when (exception.OutcomeUnknown)
        {
            Diagnostics.Log.WriteOutcomeUnknown(logger, request.Key, exception.Message);
            throw;
        }
    }

    private async Task<CommitResult> CommitApplyAndPublishAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ReplicationEntry entry;
        byte[] body;
        var turnover = status.MemoryTurnover;
        using (var publish = ReplicationTracing.StartPublish(request.Kind))
        {
            var traceParent = (publish ?? Activity.Current)?.Id;
            var epoch = status.Epoch;
            body = ReplicationMessageCodec.EncodeBody(request.Kind, request.Key, request.Value, node.Name, traceParent, epoch);
            var result = await log.CommitAsync(request, body, status.HeadVersion, epoch, cancellationToken).ConfigureAwait(false);
            if (result.Status is CommitStatus.RecoveryNeeded or CommitStatus.StaleEpoch)
            {
                // Redis lost writes, is being restored or has a new epoch: take part, or reload, without waiting a tick.
                synchronizer.RequestCheck();
                if (result.Status == CommitStatus.StaleEpoch)
                {
                    // Or the commit went to a demoted primary still holding an older epoch: its connection must move on.
                    log.LookForPrimary();
                }
            }

            if (result.Status != CommitStatus.Committed)
            {
                return result;
            }

            publish?.SetTag("messaging.message.id", result.Version);
            status.HeadObserved(result.Version);
            if (result.ExpiresAt > 0)
            {
                // The script wrote the expiry from Redis's clock into its copy; the published one must say the same.
                ReplicationMessageCodec.SetExpiry(body, result.ExpiresAt);
            }

            entry = new ReplicationEntry(result.Version, request.Kind, request.Key, request.Value, node.Name, traceParent, epoch, result.ExpiresAt);
        }

        if (status.MemoryTurnover != turnover)
        {
            // A restore or a reload began while the commit was out: its answer can arrive late (commands queued in a
            // primary hung past a failover run when it resumes, and a replica not yet moved to the new primary can
            // confirm them), after this backend had already written its memory back without the write, which the new
            // primary may never have had. Not applied either: the reload would drop it again, and local reads
            // meanwhile would serve a version the new history may give to another write.
            throw LateCommit(entry.Version);
        }

        using (ReplicationTracing.StartProcess(entry, node.Name, "local"))
        {
            replica.Apply(entry);
        }

        if (status.MemoryTurnover != turnover)
        {
            // Checked again once applied: a restore that begins after this finds the write in memory and writes it
            // back; one that began in between may have passed its key already.
            throw LateCommit(entry.Version);
        }

        // Commit, wait, check, then publish: a peer never serves a write its writer did not acknowledge.
        log.Publish(entry.Version, body);
        metrics.Committed();
        return new CommitResult(CommitStatus.Committed, entry.Version);
    }

    private static ReplicationUnavailableException LateCommit(long version) => new(
        $"Version {version} was committed while this backend was restoring or reloading Redis's copy; whether it survived is not known.",
        new TimeoutException("restore"),
        outcomeUnknown: true);
}
