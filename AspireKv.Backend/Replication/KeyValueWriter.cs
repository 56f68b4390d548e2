using System.Diagnostics;
using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Node;

namespace AspireKv.Backend.Replication;

/// <summary>
/// Accepts writes from this backend's clients: commits each through the replication log, which orders it
/// and fans it out, then applies it here before the client is answered, so the writer reads its own write.
/// </summary>
internal sealed class KeyValueWriter(
    IReplicationLog log,
    Replica replica,
    ReplicationStatus status,
    ReplicationMetrics metrics,
    NodeIdentity node)
{
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>; returns the version of the write.</summary>
    public async Task<CommitResult> SetAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        await CommitAsync(ChangeKind.Set, key, value, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes <paramref name="key"/>; <see cref="CommitStatus.NotFound"/> when it holds no value.</summary>
    public async Task<CommitResult> DeleteAsync(string key, CancellationToken cancellationToken) =>
        await CommitAsync(ChangeKind.Delete, key, [], cancellationToken).ConfigureAwait(false);

    private async Task<CommitResult> CommitAsync(ChangeKind kind, string key, byte[] value, CancellationToken cancellationToken)
    {
        ReplicationEntry entry;
        using (var publish = ReplicationTracing.StartPublish(kind))
        {
            var traceParent = (publish ?? Activity.Current)?.Id;
            var body = ReplicationMessageCodec.EncodeBody(kind, key, value, node.Name, traceParent);
            var result = await log.CommitAsync(key, kind, body, cancellationToken).ConfigureAwait(false);
            if (result.Status != CommitStatus.Committed)
            {
                return result;
            }

            publish?.SetTag("messaging.message.id", result.Version);
            status.HeadObserved(result.Version);
            entry = new ReplicationEntry(result.Version, kind, key, value, node.Name, traceParent);
        }

        using (ReplicationTracing.StartProcess(entry, node.Name, "local"))
        {
            replica.Apply(entry);
        }

        metrics.Committed();
        return new CommitResult(CommitStatus.Committed, entry.Version);
    }
}
