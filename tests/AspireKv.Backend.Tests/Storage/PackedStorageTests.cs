using AspireKv.Backend.Storage;
using CsCheck;

namespace AspireKv.Backend.Tests.Storage;

/// <summary>
/// The store keeps its records packed in segments and compacts them (<see cref="StoreShard"/>). These tests check
/// that no sequence of writes makes it return anything but what a plain dictionary under the version rule holds,
/// and that overwrites do not make it grow without bound.
/// </summary>
public sealed class PackedStorageTests
{
    // Values around the size at which a record gets a segment of its own, so both paths and the switch are covered.
    private static readonly Gen<int> GenValueLength = Gen.Frequency(
        (20, Gen.Int[0, 300]),
        (2, Gen.Int[60 * 1024, 70 * 1024]),
        (1, Gen.Const(-1)));

    private static readonly Gen<(int Key, long Version, int ValueLength, byte Fill)> GenWrite =
        Gen.Select(Gen.Int[0, 40], Gen.Long[1, 400], GenValueLength, Gen.Byte);

    [Fact]
    public void AnySequenceOfWrites_ReadsBackWhatADictionaryUnderTheVersionRuleHolds() =>
        GenWrite.Array[1, 400].Sample(writes =>
        {
            var store = new KeyValueStore();
            var model = new Dictionary<string, StoredEntry>();
            foreach (var (key, version, valueLength, fill) in writes)
            {
                var name = $"packed-{key}";
                var entry = new StoredEntry(version, valueLength < 0 ? null : Enumerable.Repeat(fill, valueLength).ToArray());
                var newer = !model.TryGetValue(name, out var current) || current.Version < version;
                Assert.Equal(newer ? ApplyOutcome.Applied : ApplyOutcome.Stale, store.Apply(name, entry));
                if (newer)
                {
                    model[name] = entry;
                }
            }

            foreach (var (key, expected) in model)
            {
                Assert.True(store.TryGet(key, out var actual));
                AssertSame(expected, actual);
            }

            var entries = store.Entries.ToDictionary(pair => pair.Key, pair => pair.Value);
            Assert.Equal(model.Count, entries.Count);
            foreach (var (key, expected) in model)
            {
                AssertSame(expected, entries[key]);
            }

            var keys = store.Keys.ToDictionary(key => key.Key);
            Assert.Equal(model.Count, keys.Count);
            foreach (var (key, expected) in model)
            {
                Assert.Equal(expected.Version, keys[key].Version);
                Assert.Equal(expected.Value?.Length ?? -1, keys[key].ValueLength);
            }

            Assert.Equal(model.Count, store.EntryCount);
            Assert.Equal(model.Values.Count(entry => !entry.IsTombstone), store.LiveKeyCount);
        }, iter: 300);

    [Fact]
    public void Overwrites_KeepTheSegmentsWithinTwiceTheLiveRecordsPlusOneHeadPerShard()
    {
        var store = new KeyValueStore();
        var random = new Random(7);
        for (var version = 1; version <= 60_000; version++)
        {
            var value = random.Next(50) == 0 ? null : new byte[random.Next(1, 400)];
            store.Apply($"overwrite-{random.Next(500)}", new StoredEntry(version, value));
        }

        Assert.InRange(store.SegmentBytes, store.LiveRecordBytes, (2 * store.LiveRecordBytes) + (KeyValueStore.ShardCount * StoreShard.MaxSegmentBytes));
    }

    [Fact]
    public void OverwrittenBigValues_AreReleased()
    {
        var store = new KeyValueStore();
        for (var version = 1; version <= 50; version++)
        {
            store.Apply("big", new StoredEntry(version, new byte[1024 * 1024]));
        }

        Assert.InRange(store.SegmentBytes, 1024 * 1024, (2 * 1024 * 1024) + StoreShard.MaxSegmentBytes);
    }

    [Fact]
    public void TryGet_ReturnsACopy_SoChangingItDoesNotChangeTheStore()
    {
        var store = new KeyValueStore();
        store.Apply("copy", new StoredEntry(1, [1, 2, 3]));

        store.TryGet("copy", out var first);
        first.Value![0] = 9;

        store.TryGet("copy", out var second);
        Assert.Equal([1, 2, 3], second.Value);
    }

    [Fact]
    public void LongAndNonAsciiKeys_AreStoredAndFound()
    {
        var store = new KeyValueStore();
        var longKey = new string('é', 2_000);
        store.Apply(longKey, new StoredEntry(1, [1]));
        store.Apply("clé-日本", new StoredEntry(2, [2]));

        Assert.True(store.TryGet(longKey, out var longEntry));
        Assert.Equal([1], longEntry.Value);
        Assert.True(store.TryGet("clé-日本", out var shortEntry));
        Assert.Equal([2], shortEntry.Value);
        Assert.False(store.TryGet(longKey[..^1], out _));
        Assert.Contains(store.Entries, pair => pair.Key == longKey);
    }

    [Fact]
    public void KeyWithALoneSurrogate_IsRefusedAndNeverFound()
    {
        var store = new KeyValueStore();

        Assert.Throws<ArgumentException>(() => store.Apply("bad-\ud800", new StoredEntry(1, [1])));
        Assert.False(store.TryGet("bad-\ud800", out _));
        Assert.Equal(0, store.EntryCount);
    }

    private static void AssertSame(StoredEntry expected, StoredEntry actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.IsTombstone, actual.IsTombstone);
        Assert.Equal(expected.Value, actual.Value);
    }
}
