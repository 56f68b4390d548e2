namespace AspireKv.Backend.Replication;

/// <summary>What happened to a write sent to the replication log.</summary>
internal enum CommitStatus
{
    /// <summary>The write was ordered, made durable and published under <see cref="CommitResult.Version"/>.</summary>
    Committed,

    /// <summary>A delete of a key that does not exist; nothing was written and no version was used.</summary>
    NotFound,
}

/// <summary>The outcome of <see cref="IReplicationLog.CommitAsync"/>.</summary>
/// <param name="Status">Whether the write was committed.</param>
/// <param name="Version">The version assigned to a committed write; 0 otherwise.</param>
internal readonly record struct CommitResult(CommitStatus Status, long Version);
