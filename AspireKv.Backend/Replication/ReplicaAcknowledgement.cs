namespace AspireKv.Backend.Replication;

/// <summary>
/// When a committed write may be acknowledged to its client: once the primary committed it and enough replicas
/// received it that losing the primary cannot lose it. Pure.
/// </summary>
internal static class ReplicaAcknowledgement
{
    /// <summary>
    /// The replicas a write waits for: <paramref name="configured"/> when set, else 1 behind Sentinel (a primary
    /// with replicas) and 0 on a single Redis.
    /// </summary>
    public static int Required(int? configured, bool behindSentinel) => configured ?? (behindSentinel ? 1 : 0);

    /// <summary>
    /// Whether a write that ended with <paramref name="status"/> after <paramref name="acknowledgedBy"/> replicas
    /// confirmed it may be answered as it stands. A commit, and equally a replay of an earlier commit (its client may
    /// be retrying because the first answer never came), needs <paramref name="required"/> replicas; every other
    /// status wrote nothing, so there is nothing to wait for.
    /// </summary>
    public static bool IsSettled(CommitStatus status, long acknowledgedBy, int required) =>
        status is not (CommitStatus.Committed or CommitStatus.Replayed) || acknowledgedBy >= required;
}
