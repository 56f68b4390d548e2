using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Replication;

/// <summary>One committed write as it travels between backends: the unit of replication.</summary>
/// <param name="Version">The global version Redis assigned; unique and strictly increasing over all writes.</param>
/// <param name="Kind">Set or delete.</param>
/// <param name="Key">The key written.</param>
/// <param name="Value">The value of a set; empty for a delete.</param>
/// <param name="Origin">The backend that accepted the write from a client.</param>
/// <param name="TraceParent">The W3C traceparent of the write, so that every apply can link to it.</param>
/// <param name="Epoch">
/// The epoch (generation) the write was committed in; null for entries written back by a restore and for entries
/// of earlier versions. Backends apply a published message only in the epoch they have loaded.
/// </param>
/// <param name="ExpiresAt">
/// When a set expires, in milliseconds since 1970 on Redis's clock (the commit script reads it there); 0 for never.
/// </param>
internal sealed record ReplicationEntry(
    long Version,
    ChangeKind Kind,
    string Key,
    byte[] Value,
    string Origin,
    string? TraceParent,
    string? Epoch = null,
    long ExpiresAt = 0)
{
    /// <summary>What a replica stores for this write.</summary>
    public StoredEntry ToStoredEntry() => Kind == ChangeKind.Set ? new(Version, Value, ExpiresAt) : new(Version, null);
}
