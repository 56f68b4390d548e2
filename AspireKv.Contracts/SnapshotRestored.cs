namespace AspireKv.Contracts;

/// <summary>What <c>PUT /admin/snapshot</c> did.</summary>
/// <param name="Keys">Keys restored from the snapshot.</param>
/// <param name="Deleted">Keys the cluster held that the snapshot does not (a forced restore deletes them).</param>
/// <param name="KeptVersions">
/// Whether the keys kept their versions from the snapshot (into a cluster that never held a key), so that ETags taken
/// where it came from still match; otherwise every key got a new version.
/// </param>
/// <param name="Head">The cluster's version after the restore: every later write gets a higher one.</param>
/// <param name="Epoch">The epoch the restore started; every backend reloads into it.</param>
public sealed record SnapshotRestored(long Keys, long Deleted, bool KeptVersions, long Head, string Epoch);
