namespace AspireKv.Backend.Replication;

/// <summary>What a backend must do next to stay in step with Redis (see <see cref="SyncPlanner"/>).</summary>
internal enum SyncAction
{
    /// <summary>Nothing is missing.</summary>
    None,

    /// <summary>Some committed writes were missed: read them from the recent log.</summary>
    CatchUp,

    /// <summary>Reload the whole durable copy (first start, or the epoch changed under us).</summary>
    FullResync,

    /// <summary>The epoch is missing: write this backend's data back into Redis, then wait for the new epoch.</summary>
    Restore,

    /// <summary>
    /// Redis is behind what this backend has applied (it restarted with older data, or a replica that lacks writes was
    /// promoted): end the epoch so that no write is accepted, then restore.
    /// </summary>
    InvalidateAndRestore,

    /// <summary>
    /// The server answering is a primary from an older generation: use nothing it says, and look for the current
    /// primary again, as if Redis were unreachable.
    /// </summary>
    DistrustServer,
}
