using System.Text;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Tests.Storage;

public sealed class KeyValueStoreTests
{
    private static StoredEntry Set(long version, string value) => new(version, Encoding.UTF8.GetBytes(value));

    private static StoredEntry Tombstone(long version) => new(version, null);

    [Fact]
    public void Apply_NewKey_StoresIt()
    {
        var store = new KeyValueStore();

        Assert.Equal(ApplyOutcome.Applied, store.Apply("nombre", Set(1, "Gustavo")));

        Assert.True(store.TryGet("nombre", out var entry));
        Assert.Equal(1, entry.Version);
        Assert.Equal("Gustavo", Encoding.UTF8.GetString(entry.Value!));
        Assert.Equal(1, store.LiveKeyCount);
    }

    [Fact]
    public void Apply_HigherVersion_ReplacesValue()
    {
        var store = new KeyValueStore();
        store.Apply("k", Set(1, "old"));

        Assert.Equal(ApplyOutcome.Applied, store.Apply("k", Set(5, "new")));

        store.TryGet("k", out var entry);
        Assert.Equal(5, entry.Version);
        Assert.Equal("new", Encoding.UTF8.GetString(entry.Value!));
    }

    [Fact]
    public void Apply_LowerVersionAfterHigher_ChangesNothing()
    {
        var store = new KeyValueStore();
        store.Apply("k", Set(5, "new"));

        Assert.Equal(ApplyOutcome.Stale, store.Apply("k", Set(3, "old")));

        store.TryGet("k", out var entry);
        Assert.Equal(5, entry.Version);
        Assert.Equal("new", Encoding.UTF8.GetString(entry.Value!));
    }

    [Fact]
    public void Apply_SameWriteTwice_SecondIsStale()
    {
        var store = new KeyValueStore();
        store.Apply("k", Set(2, "v"));

        Assert.Equal(ApplyOutcome.Stale, store.Apply("k", Set(2, "v")));
        Assert.Equal(1, store.LiveKeyCount);
    }

    [Fact]
    public void Apply_LateSetAfterDelete_DoesNotResurrectKey()
    {
        var store = new KeyValueStore();
        store.Apply("k", Set(1, "v1"));
        store.Apply("k", Tombstone(3));

        Assert.Equal(ApplyOutcome.Stale, store.Apply("k", Set(2, "v2")));

        Assert.True(store.TryGet("k", out var entry));
        Assert.True(entry.IsTombstone);
        Assert.Equal(0, store.LiveKeyCount);
    }

    [Fact]
    public void Apply_SetAfterDelete_BringsKeyBack()
    {
        var store = new KeyValueStore();
        store.Apply("k", Tombstone(3));

        store.Apply("k", Set(4, "again"));

        Assert.Equal(1, store.LiveKeyCount);
        Assert.Equal(1, store.EntryCount);
    }

    [Fact]
    public void Apply_SameWritesInEveryOrderWithDuplicates_EndsInSameState()
    {
        // Three keys, sets and deletes interleaved; the newest write of each key must win whatever the order.
        var writes = new (string Key, StoredEntry Entry)[]
        {
            ("a", Set(1, "a1")), ("b", Set(2, "b1")), ("a", Set(3, "a2")), ("c", Set(4, "c1")),
            ("b", Tombstone(5)), ("c", Set(6, "c2")), ("a", Tombstone(7)), ("a", Set(8, "a3")),
        };
        var reference = new KeyValueStore();
        foreach (var (key, entry) in writes)
        {
            reference.Apply(key, entry);
        }

        var expected = StoreDigestCalculator.Compute(reference.Entries);
        var random = new Random(20261128);
        for (var round = 0; round < 500; round++)
        {
            var delivered = writes.Concat(writes.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            var store = new KeyValueStore();
            foreach (var (key, entry) in delivered)
            {
                store.Apply(key, entry);
            }

            Assert.Equal(expected, StoreDigestCalculator.Compute(store.Entries));
            Assert.Equal(2, store.LiveKeyCount);
        }
    }

    [Fact]
    public async Task Apply_ConcurrentWritersOfOneKey_KeepHighestVersion()
    {
        var store = new KeyValueStore();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(() =>
        {
            for (var version = 1 + writer; version <= 4_000; version += 4)
            {
                store.Apply("hot", Set(version, $"v{version}"));
            }
        }, TestContext.Current.CancellationToken));

        await Task.WhenAll(writers);

        store.TryGet("hot", out var entry);
        Assert.Equal(4_000, entry.Version);
        Assert.Equal("v4000", Encoding.UTF8.GetString(entry.Value!));
        Assert.Equal(1, store.LiveKeyCount);
    }
}
