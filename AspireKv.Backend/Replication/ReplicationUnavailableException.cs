namespace AspireKv.Backend.Replication;

/// <summary>
/// The replication log (Redis) could not be reached or did not answer in time. Writes cannot be made
/// durable, so they are refused with 503 rather than accepted.
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
}
