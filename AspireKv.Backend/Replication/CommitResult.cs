namespace AspireKv.Backend.Replication;

/// <summary>
/// What happened to a write sent to the replication log. The values are the codes the commit script answers
/// with, checked against its source by a test.
/// </summary>
internal enum CommitStatus
{
    /// <summary>The write was ordered, made durable and published under <see cref="CommitResult.Version"/>.</summary>
    Committed = 1,

    /// <summary>
    /// A delete of a key that holds no value; nothing was written and no version was used. With an idempotency key the
    /// refusal is recorded, and a retry of the same write gets it again.
    /// </summary>
    NotFound = 2,

    /// <summary>
    /// The write's condition did not hold; <see cref="CommitResult.Version"/> is the key's current version (0 if absent).
    /// With an idempotency key the refusal is recorded, and a retry of the same write gets it again (with that version).
    /// </summary>
    PreconditionFailed = 3,

    /// <summary>
    /// Redis has lost writes (it restarted empty or behind what backends have seen) or is being restored from
    /// the backends; nothing was written. The client may retry shortly.
    /// </summary>
    RecoveryNeeded = 4,

    /// <summary>A retry of a write already committed under the same idempotency key, with its version; nothing new was written.</summary>
    Replayed = 5,

    /// <summary>
    /// The idempotency key was used, within its window, for a different write (committed under
    /// <see cref="CommitResult.Version"/>); nothing was written.
    /// </summary>
    IdempotencyKeyReused = 6,

    /// <summary>
    /// The writer has not loaded the current epoch (a restore ended, or it has just started); nothing was written.
    /// It reloads, and the client may retry shortly.
    /// </summary>
    StaleEpoch = 7,

    /// <summary>
    /// A delete by expiry (<see cref="ChangeKind.Expire"/>) of a key whose expiry Redis's clock has not reached yet;
    /// nothing was written. <see cref="CommitResult.Version"/> is the key's current version.
    /// </summary>
    NotYetExpired = 8,
}

/// <summary>The outcome of <see cref="IReplicationLog.CommitAsync"/>.</summary>
/// <param name="Status">Whether the write was committed.</param>
/// <param name="Version">The version assigned, the current version on a failed precondition, 0 otherwise.</param>
/// <param name="ExpiresAt">For a committed set with a time to live: when it expires (ms since 1970 on Redis's clock); 0 otherwise.</param>
internal readonly record struct CommitResult(CommitStatus Status, long Version, long ExpiresAt = 0);
