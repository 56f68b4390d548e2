namespace AspireKv.Backend.Storage;

/// <summary>What <see cref="KeyValueStore.Apply"/> did with a write.</summary>
internal enum ApplyOutcome
{
    /// <summary>The write was newer than what the key held and replaced it.</summary>
    Applied,

    /// <summary>The key already held this version or a newer one; nothing changed.</summary>
    Stale,
}
