using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Replication;

/// <summary>One committed write as it travels between backends: the unit of replication.</summary>
/// <param name="Version">The global version Redis assigned; unique and strictly increasing over all writes.</param>
/// <param name="Kind">Set or delete.</param>
/// <param name="Key">The key written.</param>
/// <param name="Value">The value of a set; empty for a delete.</param>
/// <param name="Origin">The backend that accepted the write from a client.</param>
/// <param name="TraceParent">The W3C traceparent of the write, so that every apply can link to it.</param>
internal sealed record ReplicationEntry(
    long Version,
    ChangeKind Kind,
    string Key,
    byte[] Value,
    string Origin,
    string? TraceParent)
{
    /// <summary>What a replica stores for this write.</summary>
    public StoredEntry ToStoredEntry() => new(Version, Kind == ChangeKind.Delete ? null : Value);
}
