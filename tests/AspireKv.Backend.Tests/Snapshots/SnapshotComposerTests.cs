using System.Text;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Snapshots;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Tests.Snapshots;

public sealed class SnapshotComposerTests
{
    private static KeyValuePair<string, StoredEntry> Held(string key, long version, string? value, long expiresAt = 0) =>
        KeyValuePair.Create(key, new StoredEntry(version, value is null ? null : Encoding.UTF8.GetBytes(value), expiresAt));

    private static ReplicationEntry Set(long version, string key, string value) => new(version, ChangeKind.Set, key, Encoding.UTF8.GetBytes(value), "b", null);

    private static ReplicationEntry Delete(long version, string key) => new(version, ChangeKind.Delete, key, [], "b", null);

    private static IEnumerable<(string, long, string)> Shown(StoreSnapshot snapshot) =>
        snapshot.Keys.Select(k => (k.Key, k.Version, Encoding.UTF8.GetString(k.Value)));

    [Fact]
    public void CopyWithNothingAboveTheAppliedVersion_IsTheSnapshotAtIt_WithoutTombstones_InKeyOrder()
    {
        var snapshot = SnapshotComposer.Compose([Held("b", 2, "two"), Held("gone", 3, null), Held("a", 1, "one", expiresAt: 99)], appliedBefore: 5, []);

        Assert.NotNull(snapshot);
        Assert.Equal(5, snapshot.Version);
        Assert.Equal([("a", 1L, "one"), ("b", 2L, "two")], Shown(snapshot));
        Assert.Equal(99, snapshot.Keys[0].ExpiresAt);
    }

    [Fact]
    public void WritesTheCopyMissed_AreTakenFromTheLog_UpToTheHighestVersionCopied()
    {
        // Shards copied at different moments: 'a' before versions 11 and 12 landed, 'c' after 13 did.
        var snapshot = SnapshotComposer.Compose(
            [Held("a", 4, "old"), Held("b", 10, "b10"), Held("c", 13, "c13")],
            appliedBefore: 10,
            [Set(11, "a", "a11"), Delete(12, "b"), Set(13, "c", "c13"), Set(14, "a", "after the copy")]);

        Assert.NotNull(snapshot);
        Assert.Equal(13, snapshot.Version);
        Assert.Equal([("a", 11L, "a11"), ("c", 13L, "c13")], Shown(snapshot));
    }

    [Fact]
    public void ANewerWriteInTheCopy_IsNotReplacedByAnOlderOneFromTheLog()
    {
        var snapshot = SnapshotComposer.Compose([Held("a", 12, "newest")], appliedBefore: 10, [Set(11, "a", "older"), Set(12, "a", "newest")]);

        Assert.Equal([("a", 12L, "newest")], Shown(snapshot!));
    }

    [Fact]
    public void LogThatDoesNotHoldEveryMissedVersion_GivesNoSnapshot()
    {
        Assert.Null(SnapshotComposer.Compose([Held("a", 13, "x")], appliedBefore: 10, [Set(11, "b", "y"), Set(13, "a", "x")]));
        Assert.Null(SnapshotComposer.Compose([Held("a", 13, "x")], appliedBefore: 10, [Set(11, "b", "y")]));
        Assert.Null(SnapshotComposer.Compose([Held("a", 13, "x")], appliedBefore: 10, []));
    }

}
