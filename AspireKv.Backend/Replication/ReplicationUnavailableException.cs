namespace AspireKv.Backend.Replication;

/// <summary>
/// The replication log (Redis) could not be reached or did not answer in time. Writes cannot be made
/// durable, so they are refused with 503 rather than accepted; when the call may already have reached Redis
/// (<see cref="OutcomeUnknown"/>), the client is told that the write may have been committed.
/// </summary>
public sealed class ReplicationUnavailableException : Exception
{
    public ReplicationUnavailableException()
    {
    }

    public ReplicationUnavailableException(string message)
        : base(message)
    {
    }

    public ReplicationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ReplicationUnavailableException(string message, Exception innerException, bool outcomeUnknown)
        : base(message, innerException) => OutcomeUnknown = outcomeUnknown;

    /// <summary>
    /// True when the call may have been executed by Redis before it failed (a timeout, or the connection lost
    /// while the call was in flight): a write may then be committed even though its client got no version.
    /// False when it is certain that nothing was sent.
    /// </summary>
    public bool OutcomeUnknown { get; }
}
