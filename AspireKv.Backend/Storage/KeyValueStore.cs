namespace AspireKv.Backend.Storage;

/// <summary>
/// A replica's in-memory data: every key with its newest known version. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// The only way in is <see cref="Apply"/>, which follows the version rule of the design: a key never goes
/// to a lower (or equal) version. Applying the same write twice, or a set of writes in any order, therefore
/// ends in the same state, which is what lets replication deliver at least once and out of order.
/// The keys are spread over <see cref="ShardCount"/> shards, each with its own lock and packed storage
/// (<see cref="StoreShard"/>), so that concurrent requests rarely wait for each other.
/// </remarks>
internal sealed class KeyValueStore
{
    /// <summary>Number of shards; a power of two, as the shard is taken from the hash's top bits.</summary>
    internal const int ShardCount = 16;

    private const int ShardBits = 4;

    private readonly StoreShard[] _shards = CreateShards();

    /// <summary>Keys that hold a value (tombstones are not counted).</summary>
    public long LiveKeyCount => _shards.Sum(shard => (long)shard.LiveCount);

    /// <summary>Keys held, tombstones included.</summary>
    public int EntryCount => _shards.Sum(shard => shard.Count);

    /// <summary>Bytes the store holds its records in, garbage and free space included (the index is not counted).</summary>
    public long SegmentBytes => _shards.Sum(shard => shard.SegmentBytes);

    /// <summary>Bytes of the records that are current (each key's newest write).</summary>
    public long LiveRecordBytes => _shards.Sum(shard => shard.LiveRecordBytes);

    /// <summary>Applies a write to <paramref name="key"/> if it is newer than what the key holds.</summary>
    /// <exception cref="ArgumentException">The key is not valid UTF-16 (a lone surrogate), so it has no UTF-8 form.</exception>
    public ApplyOutcome Apply(string key, StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var utf8 = new Utf8Key(key, stackalloc byte[Utf8Key.StackBytes]);
        if (!utf8.IsValid)
        {
            throw new ArgumentException("The key is not valid UTF-16.", nameof(key));
        }

        var hash = HashOf(key);
        return ShardOf(hash).Apply(hash, utf8.Bytes, entry);
    }

    /// <summary>Returns the entry of <paramref name="key"/> (tombstone included, value copied) if the key was ever written.</summary>
    public bool TryGet(string key, out StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var utf8 = new Utf8Key(key, stackalloc byte[Utf8Key.StackBytes]);
        if (!utf8.IsValid)
        {
            entry = default;
            return false;
        }

        var hash = HashOf(key);
        return ShardOf(hash).TryGet(hash, utf8.Bytes, out entry);
    }

    /// <summary>The version, value length and expiry of <paramref name="key"/>, without copying its value, if the key was ever written.</summary>
    public bool TryGetKey(string key, out StoredKey stored)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var utf8 = new Utf8Key(key, stackalloc byte[Utf8Key.StackBytes]);
        if (!utf8.IsValid)
        {
            stored = default;
            return false;
        }

        var hash = HashOf(key);
        return ShardOf(hash).TryGetKey(hash, utf8.Bytes, key, out stored);
    }

    /// <summary>
    /// Every entry, tombstones included, copied out one shard at a time: each shard is a moment in time, the whole
    /// is not (a write that lands meanwhile may or may not be in it).
    /// </summary>
    public IEnumerable<KeyValuePair<string, StoredEntry>> Entries => _shards.SelectMany(shard => shard.Snapshot());

    /// <summary>Every key with its version and value length (no value is copied), tombstones included, one shard at a time.</summary>
    public IEnumerable<StoredKey> Keys => _shards.SelectMany(shard => shard.KeySnapshot());

    private static StoreShard[] CreateShards()
    {
        var shards = new StoreShard[ShardCount];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new StoreShard();
        }

        return shards;
    }

    // string.GetHashCode is randomized per process, so clients cannot choose keys that all land in one bucket.
    private static int HashOf(string key) => key.GetHashCode(StringComparison.Ordinal);

    private StoreShard ShardOf(int hash) => _shards[(uint)hash >> (32 - ShardBits)];
}
