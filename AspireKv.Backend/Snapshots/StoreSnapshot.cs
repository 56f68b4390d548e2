namespace AspireKv.Backend.Snapshots;

/// <summary>A whole store at one version: every key that holds a value, in ordinal order of the keys.</summary>
/// <param name="Version">Every write up to this version, and none after it, is reflected.</param>
/// <param name="Keys">The keys that hold a value (deleted keys are left out).</param>
internal sealed record StoreSnapshot(long Version, IReadOnlyList<SnapshotKey> Keys);
