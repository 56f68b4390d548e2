using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Snapshots;

/// <summary>What a restore writes into the durable copy, and where the versions go on from.</summary>
/// <param name="Entries">The snapshot's keys, and a delete for every key the cluster holds that the snapshot does not.</param>
/// <param name="NewHead">The sequence after the restore: every later write gets a higher version.</param>
/// <param name="KeepsVersions">Whether the keys kept the versions they have in the snapshot (an empty cluster) or got new ones.</param>
/// <param name="Deleted">How many keys the cluster held that the snapshot does not, now deleted.</param>
internal sealed record SeedPlan(IReadOnlyList<ReplicationEntry> Entries, long NewHead, bool KeepsVersions, int Deleted);
