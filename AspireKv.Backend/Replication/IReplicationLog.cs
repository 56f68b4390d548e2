namespace AspireKv.Backend.Replication;

/// <summary>
/// The shared, ordered log every backend replicates through (Redis in production). It assigns versions,
/// keeps the durable copy and a bounded recent log, and fans committed writes out to subscribers.
/// Implementations throw <see cref="ReplicationUnavailableException"/> when the log cannot be reached.
/// </summary>
internal interface IReplicationLog
{
    /// <summary>
    /// Orders one write atomically: assigns the next version, stores it in the durable copy, appends it to
    /// the recent log and publishes it. <paramref name="body"/> is built by
    /// <see cref="ReplicationMessageCodec.EncodeBody"/>.
    /// </summary>
    Task<CommitResult> CommitAsync(string key, ChangeKind kind, byte[] body, CancellationToken cancellationToken);

    /// <summary>The newest version assigned so far (0 when nothing was ever written).</summary>
    Task<long> ReadHeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Entries of the recent log with versions in [<paramref name="fromVersion"/>, <paramref name="toVersion"/>],
    /// oldest first, at most <paramref name="limit"/>. Older entries may have been trimmed.
    /// </summary>
    Task<IReadOnlyList<ReplicationEntry>> ReadRangeAsync(long fromVersion, long toVersion, int limit, CancellationToken cancellationToken);

    /// <summary>Every key's newest write (tombstones included), in no particular order.</summary>
    IAsyncEnumerable<ReplicationEntry> ReadDurableCopyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts delivering published entries to <paramref name="onEntry"/>, one at a time, in the order they
    /// arrive. Delivery is at most once: entries published while disconnected are lost and must be read
    /// back from the recent log. <paramref name="onReconnected"/> is called after every reconnection.
    /// </summary>
    Task SubscribeAsync(Action<ReplicationEntry> onEntry, Action onReconnected, CancellationToken cancellationToken);
}
