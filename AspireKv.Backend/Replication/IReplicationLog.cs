namespace AspireKv.Backend.Replication;

/// <summary>
/// The shared, ordered log every backend replicates through (Redis in production). It assigns versions,
/// keeps the durable copy and a bounded recent log, and fans committed writes out to subscribers.
/// Implementations throw <see cref="ReplicationUnavailableException"/> when the log cannot be reached.
/// </summary>
internal interface IReplicationLog
{
    /// <summary>
    /// Whether the log is a primary with replicas under Sentinel, so that a primary can be demoted while it still
    /// answers: then an older generation than one already loaded is never to be believed (<see cref="SyncPlanner"/>).
    /// </summary>
    bool FollowsFailovers { get; }

    /// <summary>
    /// Orders one write atomically: checks its condition, assigns the next version, stores it in the durable
    /// copy and appends it to the recent log; <see cref="Publish"/> announces it once the writer has settled it. <paramref name="body"/> is built by
    /// <see cref="ReplicationMessageCodec.EncodeBody"/>; <paramref name="highestKnownVersion"/> is the highest
    /// version the writer has seen, so that a Redis that lost writes refuses instead of reusing versions;
    /// <paramref name="writerEpoch"/> the epoch it has loaded, refused (<see cref="CommitStatus.StaleEpoch"/>) unless current.
    /// </summary>
    Task<CommitResult> CommitAsync(WriteRequest request, byte[] body, long highestKnownVersion, string? writerEpoch, CancellationToken cancellationToken);

    /// <summary>
    /// Announces committed version <paramref name="version"/> (its <paramref name="body"/> as committed) to the other
    /// backends. Never waits and never fails: peers that miss it read it back from the recent log. The writer calls it
    /// only for a write it acknowledges, so that no backend serves a write its writer answered "outcome unknown".
    /// </summary>
    void Publish(long version, byte[] body);

    /// <summary>The head version and the epoch, in one round trip.</summary>
    Task<ClusterState> ReadStateAsync(CancellationToken cancellationToken);

    /// <summary>The primary's clock (<c>TIME</c>, microseconds since 1970), the one that decides expiry.</summary>
    Task<long> ReadClockAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Entries of the recent log with versions in [<paramref name="fromVersion"/>, <paramref name="toVersion"/>],
    /// oldest first, at most <paramref name="limit"/>. Older entries may have been trimmed.
    /// </summary>
    /// <paramref name="server"/> is <see cref="ClusterState.Server"/> of the state the caller acts on: behind Sentinel only
    /// that server may answer (anything else fails as unavailable); null reads from whichever server is primary.
    Task<IReadOnlyList<ReplicationEntry>> ReadRangeAsync(long fromVersion, long toVersion, int limit, string? server, CancellationToken cancellationToken);

    /// <summary>Every key's newest write (tombstones included), in no particular order.</summary>
    /// <remarks><paramref name="server"/> as for <see cref="ReadRangeAsync"/>.</remarks>
    IAsyncEnumerable<ReplicationEntry> ReadDurableCopyAsync(string? server, CancellationToken cancellationToken);

    /// <summary>
    /// Starts delivering published entries to <paramref name="onEntry"/>, one at a time, in the order they
    /// arrive. Delivery is at most once: entries published while disconnected are lost and must be read
    /// back from the recent log. <paramref name="onReconnected"/> is called after every reconnection.
    /// </summary>
    Task SubscribeAsync(Action<ReplicationEntry> onEntry, Action onReconnected, CancellationToken cancellationToken);

    /// <summary>
    /// Joins (or renews this backend's place in) a restore of the durable copy: holds the epoch back for at
    /// least <paramref name="barrier"/> from the first backend that joins, so that every live backend can join,
    /// and for as long as <paramref name="node"/> renews its membership within <paramref name="membershipTtl"/>.
    /// <paramref name="knownGeneration"/> is the generation of the epoch the node last loaded: the restore's new
    /// epoch gets a higher one.
    /// </summary>
    Task JoinRestoreAsync(string node, long knownGeneration, TimeSpan barrier, TimeSpan membershipTtl, CancellationToken cancellationToken);

    /// <summary>
    /// Writes entries back into the durable copy where they are newer than what it holds, and moves the
    /// sequence to at least <paramref name="highestSeenVersion"/>.
    /// </summary>
    Task WriteBackAsync(IReadOnlyList<ReplicationEntry> entries, long highestSeenVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Seeds the durable copy from a snapshot, all or nothing: writes <paramref name="entries"/> into it, drops the
    /// recent log (its versions describe data that is gone), moves the sequence to <paramref name="newHead"/> and starts
    /// a new epoch with the id <paramref name="epochId"/>, so that every backend reloads. Only if the head is still
    /// <paramref name="expectedHead"/> and the epoch still <paramref name="expectedEpoch"/>, that is if nothing was written
    /// since the caller read what the cluster holds. Returns the new epoch, or null when the cluster changed meanwhile.
    /// </summary>
    Task<string?> SeedAsync(IReadOnlyList<ReplicationEntry> entries, long expectedHead, string expectedEpoch, long newHead, string epochId, CancellationToken cancellationToken);

    /// <summary>Says that <paramref name="node"/> has written everything back.</summary>
    Task LeaveRestoreAsync(string node, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a new epoch with the id <paramref name="epochId"/> and a generation above every member's
    /// (<see cref="Epochs"/>) once the barrier has passed and no member is still writing back. Returns the epoch in
    /// force (this one or one another backend started), or null while the restore is still running.
    /// </summary>
    Task<string?> TryCompleteRestoreAsync(string epochId, CancellationToken cancellationToken);

    /// <summary>
    /// The server answering as primary holds an older generation than one already loaded (a demoted primary): look
    /// for the current primary again.
    /// </summary>
    void LookForPrimary();

    /// <summary>Ends <paramref name="epoch"/> (if it is still current), so that no write is accepted until a restore completes.</summary>
    Task InvalidateEpochAsync(string epoch, CancellationToken cancellationToken);
}
