namespace AspireKv.Backend.Replication;

/// <summary>The kind of a write. The byte values are part of the wire format (the Lua script reads them).</summary>
internal enum ChangeKind : byte
{
    /// <summary>The key was given a value.</summary>
    Set = (byte)'S',

    /// <summary>The key was deleted (a tombstone).</summary>
    Delete = (byte)'D',

    /// <summary>
    /// The key was deleted because its time to live ran out: a tombstone like <see cref="Delete"/>, committed by
    /// whichever backend noticed first, and only while the key is still at the version that carried the expiry.
    /// </summary>
    Expire = (byte)'X',
}
