using System.Text;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Tests.Replication;

public sealed class ReplicaTests
{
    private static ReplicationEntry Set(long version, string key, string value) =>
        new(version, ChangeKind.Set, key, Encoding.UTF8.GetBytes(value), "test", null);

    private static ReplicationEntry Delete(long version, string key) =>
        new(version, ChangeKind.Delete, key, [], "test", null);

    [Fact]
    public void CompleteFullSync_CoversVersionsTheSnapshotReplaced()
    {
        // The durable copy holds only each key's newest write: versions 1 and 2 were overwritten by 3.
        var replica = new Replica(new KeyValueStore());
        replica.Apply(Set(3, "k", "v3"));
        Assert.Equal(0, replica.AppliedVersion);

        replica.CompleteFullSync(3);

        Assert.Equal(3, replica.AppliedVersion);
        Assert.Null(replica.FirstMissingVersion);
    }

    [Fact]
    public void Apply_MessagesDuringSnapshotLoad_EndInNewestState()
    {
        var replica = new Replica(new KeyValueStore());
        replica.Apply(Set(6, "a", "from the channel, newer"));
        replica.Apply(Set(4, "a", "from the snapshot, older"));
        replica.Apply(Delete(5, "b"));
        replica.Apply(Set(2, "b", "older than the delete"));

        replica.CompleteFullSync(5);

        Assert.Equal(6, replica.AppliedVersion);
        Assert.True(replica.Store.TryGet("a", out var a));
        Assert.Equal("from the channel, newer", Encoding.UTF8.GetString(a.Value!));
        Assert.True(replica.Store.TryGet("b", out var b));
        Assert.True(b.IsTombstone);
    }

    [Fact]
    public void Apply_LostMessage_LeavesGapUntilFilled()
    {
        var replica = new Replica(new KeyValueStore());
        replica.Apply(Set(1, "a", "1"));
        replica.Apply(Set(3, "a", "3"));

        Assert.Equal(2, replica.FirstMissingVersion);
        Assert.Equal(1, replica.AppliedVersion);

        replica.Apply(Set(2, "b", "2"));

        Assert.Null(replica.FirstMissingVersion);
        Assert.Equal(3, replica.AppliedVersion);
    }

    [Fact]
    public void Apply_ReplicasGivenSameWritesInDifferentOrders_HaveEqualDigests()
    {
        var writes = Enumerable.Range(1, 60)
            .Select(v => v % 7 == 0 ? Delete(v, $"k{v % 5}") : Set(v, $"k{v % 5}", $"v{v}"))
            .ToList();
        var random = new Random(7);
        var digests = Enumerable.Range(0, 3).Select(_ =>
        {
            var replica = new Replica(new KeyValueStore());
            foreach (var entry in writes.OrderBy(_ => random.Next()))
            {
                replica.Apply(entry);
            }

            Assert.Equal(60, replica.AppliedVersion);
            return StoreDigestCalculator.Compute(replica.Store.Entries);
        }).ToList();

        Assert.Single(digests.Distinct());
    }
}
