namespace AspireKv.Backend.Replication;

/// <summary>What Redis says about the cluster, read in one round trip.</summary>
/// <param name="Head">The newest version assigned (0 when the sequence is absent).</param>
/// <param name="Epoch">
/// The id of the current generation of the durable copy, or null when it is missing: Redis restarted empty,
/// or a restore from the backends is running. Writes are refused while it is missing.
/// </param>
internal readonly record struct ClusterState(long Head, string? Epoch);
