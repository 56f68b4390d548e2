using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Snapshots;

/// <summary>
/// Decides the versions a restore writes. Pure. After a restore every new write's version is above a bump past
/// both the cluster's head and the snapshot's version (as etcd's <c>--bump-revision</c>): the cluster the snapshot
/// came from may have gone on writing after it, and no client's ETag or condition from there may match a different
/// write here.
/// </summary>
internal static class SnapshotRestorePlanner
{
    /// <summary>The bump when none is asked for: more writes than a cluster makes between a snapshot and its restore.</summary>
    public const long DefaultBump = 1_000_000_000;

    /// <summary>The largest bump one may ask for; with it, versions stay far below what the message format can carry.</summary>
    public const long MaxBump = 1_000_000_000_000_000;

    /// <param name="snapshot">What to restore.</param>
    /// <param name="existing">Every key the durable copy holds (deleted ones included), with whether it holds a value.</param>
    /// <param name="head">The cluster's head when <paramref name="existing"/> was read.</param>
    /// <param name="bump">How far past the head and the snapshot's version later writes begin.</param>
    /// <param name="origin">The backend that restores, named as the writer of every entry.</param>
    /// <remarks>
    /// Into a durable copy that never held a key, the keys keep their versions, so an ETag taken from the snapshot's
    /// cluster still matches its value. Otherwise a backend may hold any key at a version above the snapshot's, which
    /// would win over it: then every key gets a new version above the bump, and every key held that the snapshot
    /// lacks gets a delete, so that the cluster ends up holding exactly the snapshot.
    /// </remarks>
    public static SeedPlan Plan(StoreSnapshot snapshot, IReadOnlyCollection<(string Key, bool Live)> existing, long head, long bump, string origin)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentOutOfRangeException.ThrowIfNegative(bump);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bump, MaxBump);
        var floor = Math.Max(head, snapshot.Version) + bump;
        if (existing.Count == 0)
        {
            return new SeedPlan([.. snapshot.Keys.Select(key => Set(key, key.Version, origin))], floor, KeepsVersions: true, Deleted: 0);
        }

        var entries = new List<ReplicationEntry>(snapshot.Keys.Count);
        var version = floor;
        var restored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in snapshot.Keys)
        {
            entries.Add(Set(key, ++version, origin));
            restored.Add(key.Key);
        }

        var deleted = 0;
        // A scan of the durable copy may answer a key twice.
        foreach (var (key, live) in existing.DistinctBy(pair => pair.Key, StringComparer.Ordinal).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (live && !restored.Contains(key))
            {
                entries.Add(new ReplicationEntry(++version, ChangeKind.Delete, key, [], origin, null));
                deleted++;
            }
        }

        return new SeedPlan(entries, version, KeepsVersions: false, deleted);
    }

    private static ReplicationEntry Set(SnapshotKey key, long version, string origin) =>
        new(version, ChangeKind.Set, key.Key, key.Value, origin, null, ExpiresAt: key.ExpiresAt);
}
