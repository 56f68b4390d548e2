namespace AspireKv.Backend.Replication;

/// <summary>The kind of a write. The byte values are part of the wire format (the Lua script reads them).</summary>
internal enum ChangeKind : byte
{
    /// <summary>The key was given a value.</summary>
    Set = (byte)'S',

    /// <summary>The key was deleted (a tombstone).</summary>
    Delete = (byte)'D',
}
