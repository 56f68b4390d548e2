namespace AspireKv.Backend.Storage;

/// <summary>
/// A key as the store lists it, without its value: listing keys needs only their size, and copying every value
/// out of the store for a listing would cost as much memory as the store itself.
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Version">The version of the write that produced the entry.</param>
/// <param name="ValueLength">The value's length in bytes, or -1 for a tombstone.</param>
/// <param name="ExpiresAt">When the value expires, in milliseconds since 1970 on Redis's clock; 0 for never.</param>
internal readonly record struct StoredKey(string Key, long Version, int ValueLength, long ExpiresAt = 0)
{
    /// <summary>True when the key was deleted at <see cref="Version"/>.</summary>
    public bool IsTombstone => ValueLength < 0;
}
