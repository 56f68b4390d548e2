namespace AspireKv.Backend.Storage;

/// <summary>
/// What a replica holds for one key: the version of the write that produced it and the value, or
/// <see langword="null"/> for a tombstone. Deletes are tombstones so that a late set with a lower
/// version cannot bring a deleted key back.
/// </summary>
/// <param name="Version">The global version of the write (set or delete) that produced this entry.</param>
/// <param name="Value">The stored bytes, or <see langword="null"/> when the key was deleted.</param>
/// <param name="ExpiresAt">When the value expires, in milliseconds since 1970 on Redis's clock; 0 for never.</param>
internal readonly record struct StoredEntry(long Version, byte[]? Value, long ExpiresAt = 0)
{
    /// <summary>True when the value has a time to live.</summary>
    public bool Expires => ExpiresAt > 0;

    /// <summary>True when the key was deleted at <see cref="Version"/>.</summary>
    public bool IsTombstone => Value is null;
}
