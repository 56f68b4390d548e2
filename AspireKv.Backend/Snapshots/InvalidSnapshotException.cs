namespace AspireKv.Backend.Snapshots;

/// <summary>A snapshot file that cannot be restored: truncated, altered, or not a snapshot. The message says why.</summary>
internal sealed class InvalidSnapshotException : Exception
{
    public InvalidSnapshotException()
    {
    }

    public InvalidSnapshotException(string message)
        : base(message)
    {
    }

    public InvalidSnapshotException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
