using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Snapshots;

/// <summary>
/// Makes a store copied shard by shard, while writes kept landing, into the store at one version. Pure.
/// </summary>
/// <remarks>
/// Every write up to <c>appliedBefore</c> (the replica's applied version, read before the copy started) is in the
/// copy, or a newer write of its key is. Writes above it may be in the copy or not, shard by shard, so the copy as
/// a whole is no moment in time. Its highest version <c>H</c> names the moment it is made into: the committed writes
/// between the two, read from the recent log and applied by the version rule, give every key its newest write up to
/// <c>H</c>; no key can hold a newer one, since <c>H</c> is the highest in the copy.
/// </remarks>
internal static class SnapshotComposer
{
    /// <summary>The highest version in <paramref name="copied"/>, tombstones included; 0 for an empty store.</summary>
    public static long HighestVersion(IEnumerable<KeyValuePair<string, StoredEntry>> copied) =>
        copied.Select(pair => pair.Value.Version).DefaultIfEmpty(0).Max();

    /// <summary>
    /// The store at version max(<paramref name="appliedBefore"/>, highest in <paramref name="copied"/>), or null when
    /// <paramref name="missed"/> does not hold every version between the two (the log was trimmed, or a restore moved
    /// the versions on meanwhile): then the caller copies again.
    /// </summary>
    /// <param name="copied">The store, copied after <paramref name="appliedBefore"/> was read.</param>
    /// <param name="appliedBefore">Every version up to this one was applied before the copy started.</param>
    /// <param name="missed">The committed writes above <paramref name="appliedBefore"/>, oldest first.</param>
    public static StoreSnapshot? Compose(
        IReadOnlyCollection<KeyValuePair<string, StoredEntry>> copied, long appliedBefore, IReadOnlyList<ReplicationEntry> missed)
    {
        ArgumentNullException.ThrowIfNull(copied);
        ArgumentNullException.ThrowIfNull(missed);
        var version = Math.Max(appliedBefore, HighestVersion(copied));
        var entries = new Dictionary<string, StoredEntry>(copied.Count, StringComparer.Ordinal);
        foreach (var (key, entry) in copied)
        {
            entries[key] = entry;
        }

        var expected = appliedBefore + 1;
        foreach (var write in missed)
        {
            if (write.Version > version)
            {
                break;
            }

            if (write.Version != expected)
            {
                return null;
            }

            expected++;
            if (!entries.TryGetValue(write.Key, out var held) || held.Version < write.Version)
            {
                entries[write.Key] = write.ToStoredEntry();
            }
        }

        if (expected <= version)
        {
            return null;
        }

        var keys = entries
            .Where(pair => !pair.Value.IsTombstone)
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new SnapshotKey(pair.Key, pair.Value.Version, pair.Value.Value!, pair.Value.ExpiresAt))
            .ToList();
        return new StoreSnapshot(version, keys);
    }
}
