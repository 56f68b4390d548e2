namespace AspireKv.Backend.Replication;

/// <summary>What Redis says about the cluster, read in one round trip.</summary>
/// <param name="Head">The newest version assigned (0 when the sequence is absent).</param>
/// <param name="Epoch">
/// The current epoch of the durable copy (<see cref="Epochs"/>), or null when it is missing: Redis restarted empty,
/// or a restore from the backends is running. Writes are refused while it is missing.
/// </param>
/// <param name="PrimaryChanged">
/// Behind Sentinel: the server answering as primary is not the one the epoch was started on (a replica was promoted
/// since), so the epoch must end and the backends restore what the promoted replica may lack.
/// </param>
/// <param name="ConnectedReplicas">
/// Behind Sentinel: how many replicas the server answering as primary has; null on a single Redis. A primary with
/// none may be one that was demoted while it hung (its replicas follow the new primary) and has not heard so yet.
/// </param>
/// <param name="Server">
/// Behind Sentinel: the replication id of the server that answered, so that the reads that follow come from it alone;
/// null on a single Redis.
/// </param>
/// <param name="Clock">Redis's time when it answered (ms since 1970), so that a strong read can tell expired keys exactly; 0 when not read.</param>
internal readonly record struct ClusterState(long Head, string? Epoch, bool PrimaryChanged = false, int? ConnectedReplicas = null, string? Server = null, long Clock = 0);
