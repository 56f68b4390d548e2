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
    /// confirmed it may be answered as it stands. A commit needs <paramref name="required"/> replicas, and so does a
    /// replay of an earlier commit (its client may be retrying because the first answer never came). So does a refusal
    /// recorded under an idempotency key (<paramref name="recorded"/>): that record is what keeps an earlier attempt of
    /// the same write from committing later, and a promoted replica without it would let one through. Every other
    /// status wrote nothing, so there is nothing to wait for.
    /// </summary>
    public static bool IsSettled(CommitStatus status, bool recorded, long acknowledgedBy, int required) =>
        !Wrote(status, recorded) || acknowledgedBy >= required;

    private static bool Wrote(CommitStatus status, bool recorded) =>
        status is CommitStatus.Committed or CommitStatus.Replayed
        || (recorded && status is CommitStatus.PreconditionFailed or CommitStatus.NotFound);
}
