namespace AspireKv.Backend.Replication;

/// <summary>What happened to a write sent to the replication log.</summary>
internal enum CommitStatus
{
    /// <summary>The write was ordered, made durable and published under <see cref="CommitResult.Version"/>.</summary>
    Committed,

    /// <summary>A delete of a key that holds no value; nothing was written and no version was used.</summary>
    NotFound,

    /// <summary>The write's condition did not hold; <see cref="CommitResult.Version"/> is the key's current version (0 if absent).</summary>
    PreconditionFailed,

    /// <summary>
    /// Redis has lost writes (it restarted empty or behind what backends have seen) or is being restored from
    /// the backends; nothing was written. The client may retry shortly.
    /// </summary>
    RecoveryNeeded,

    /// <summary>A retry of a write already committed under the same idempotency key, with its version; nothing new was written.</summary>
    Replayed,

    /// <summary>
    /// The idempotency key was used, within its window, for a different write (committed under
    /// <see cref="CommitResult.Version"/>); nothing was written.
    /// </summary>
    IdempotencyKeyReused,
}

/// <summary>The outcome of <see cref="IReplicationLog.CommitAsync"/>.</summary>
/// <param name="Status">Whether the write was committed.</param>
/// <param name="Version">The version assigned, the current version on a failed precondition, 0 otherwise.</param>
internal readonly record struct CommitResult(CommitStatus Status, long Version);
