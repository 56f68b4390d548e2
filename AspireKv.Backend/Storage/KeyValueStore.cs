using System.Collections.Concurrent;

namespace AspireKv.Backend.Storage;

/// <summary>
/// A replica's in-memory data: every key with its newest known version. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// The only way in is <see cref="Apply"/>, which follows the version rule of the design: a key never goes
/// to a lower (or equal) version. Applying the same write twice, or a set of writes in any order, therefore
/// ends in the same state, which is what lets replication deliver at least once and out of order.
/// </remarks>
internal sealed class KeyValueStore
{
    private readonly ConcurrentDictionary<string, StoredEntry> _entries = new(StringComparer.Ordinal);
    private long _liveKeys;

    /// <summary>Keys that hold a value (tombstones are not counted).</summary>
    public long LiveKeyCount => Interlocked.Read(ref _liveKeys);

    /// <summary>Keys held, tombstones included.</summary>
    public int EntryCount => _entries.Count;

    /// <summary>Applies a write to <paramref name="key"/> if it is newer than what the key holds.</summary>
    public ApplyOutcome Apply(string key, StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        while (true)
        {
            if (!_entries.TryGetValue(key, out var current))
            {
                if (_entries.TryAdd(key, entry))
                {
                    CountTransition(wasLive: false, isLive: !entry.IsTombstone);
                    return ApplyOutcome.Applied;
                }

                continue;
            }

            if (current.Version >= entry.Version)
            {
                return ApplyOutcome.Stale;
            }

            // Compare-and-swap against the exact entry we compared versions with, so that two concurrent
            // writers of the same key cannot both win and leave the lower version behind.
            if (_entries.TryUpdate(key, entry, current))
            {
                CountTransition(wasLive: !current.IsTombstone, isLive: !entry.IsTombstone);
                return ApplyOutcome.Applied;
            }
        }
    }

    /// <summary>Returns the entry of <paramref name="key"/>, tombstone included, if the key was ever written.</summary>
    public bool TryGet(string key, out StoredEntry entry) => _entries.TryGetValue(key, out entry);

    /// <summary>A moment-in-time enumeration of every entry, tombstones included.</summary>
    public IEnumerable<KeyValuePair<string, StoredEntry>> Entries => _entries;

    private void CountTransition(bool wasLive, bool isLive)
    {
        if (wasLive != isLive)
        {
            Interlocked.Add(ref _liveKeys, isLive ? 1 : -1);
        }
    }
}
