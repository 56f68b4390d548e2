using System.Text;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Snapshots;

namespace AspireKv.Backend.Tests.Snapshots;

public sealed class SnapshotRestorePlannerTests
{
    private static readonly StoreSnapshot Snapshot = new(40,
    [
        new SnapshotKey("a", 3, "alpha"u8.ToArray(), ExpiresAt: 77),
        new SnapshotKey("b", 40, "beta"u8.ToArray()),
    ]);

    private static IEnumerable<(long, ChangeKind, string, string, long)> Shown(SeedPlan plan) =>
        plan.Entries.Select(e => (e.Version, e.Kind, e.Key, Encoding.UTF8.GetString(e.Value), e.ExpiresAt));

    [Fact]
    public void IntoADurableCopyThatNeverHeldAKey_KeysKeepTheirVersions_AndTheHeadGoesPastTheBump()
    {
        var plan = SnapshotRestorePlanner.Plan(Snapshot, [], head: 2, bump: 1_000, "restorer");

        Assert.True(plan.KeepsVersions);
        Assert.Equal([(3L, ChangeKind.Set, "a", "alpha", 77L), (40L, ChangeKind.Set, "b", "beta", 0L)], Shown(plan));
        Assert.Equal(1_040, plan.NewHead);
        Assert.All(plan.Entries, e => Assert.Equal("restorer", e.Origin));
    }

    [Fact]
    public void HeadAboveTheSnapshot_TheBumpStartsFromTheHead()
    {
        Assert.Equal(1_500, SnapshotRestorePlanner.Plan(Snapshot, [], head: 500, bump: 1_000, "r").NewHead);
    }

    [Fact]
    public void IntoACopyThatHeldKeys_EveryKeyGetsANewVersionPastTheBump_AndKeysTheSnapshotLacksAreDeleted()
    {
        (string, bool)[] existing = [("z", true), ("a", true), ("deleted-already", false), ("z", true)];

        var plan = SnapshotRestorePlanner.Plan(Snapshot, existing, head: 100, bump: 1_000, "r");

        Assert.False(plan.KeepsVersions);
        Assert.Equal(
            [(1_101L, ChangeKind.Set, "a", "alpha", 77L), (1_102L, ChangeKind.Set, "b", "beta", 0L), (1_103L, ChangeKind.Delete, "z", string.Empty, 0L)],
            Shown(plan));
        Assert.Equal(1, plan.Deleted);
        Assert.Equal(1_103, plan.NewHead);
    }

    [Fact]
    public void ACopyOfTombstonesOnly_StillGetsNewVersions_SoNoTombstoneOutranksARestoredKey()
    {
        var plan = SnapshotRestorePlanner.Plan(Snapshot, [("a", false)], head: 60, bump: 0, "r");

        Assert.False(plan.KeepsVersions);
        Assert.Equal([61L, 62L], plan.Entries.Select(e => e.Version));
    }

    [Fact]
    public void BumpOutOfRange_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotRestorePlanner.Plan(Snapshot, [], 0, -1, "r"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotRestorePlanner.Plan(Snapshot, [], 0, SnapshotRestorePlanner.MaxBump + 1, "r"));
    }
}
