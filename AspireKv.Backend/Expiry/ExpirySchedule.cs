namespace AspireKv.Backend.Expiry;

/// <summary>
/// The keys this replica holds with an expiry, in the order they expire, so that the sweeper finds the due ones
/// without walking the store. Pure. An entry is a hint, not the truth: a key written again since still has its old
/// entry here, which the sweeper drops when it sees the store holds another version.
/// </summary>
/// <remarks>
/// Every backend sweeps, and the first to commit a key's expiry makes the others' attempts fail their condition. So
/// that they rarely race, each backend takes a key up to <see cref="Spread"/> after its expiry, by a delay taken
/// from the key's hash, which differs between processes. Readers hide an expired key meanwhile.
/// </remarks>
internal sealed class ExpirySchedule
{
    /// <summary>The most a backend waits after a key's expiry before trying to commit it.</summary>
    public const long Spread = 100;

    private readonly Lock _lock = new();
    private readonly PriorityQueue<ScheduledExpiry, long> _queue = new();

    /// <summary>Entries held, stale ones included.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>When the earliest entry is due, if there is one.</summary>
    public long? NextDue
    {
        get
        {
            lock (_lock)
            {
                return _queue.TryPeek(out _, out var due) ? due : null;
            }
        }
    }

    public void Add(string key, long version, long expiresAt)
    {
        lock (_lock)
        {
            _queue.Enqueue(new ScheduledExpiry(key, version, expiresAt), DueAt(key, expiresAt));
        }
    }

    // string.GetHashCode is randomized per process, so each backend waits a different time for the same key.
    private static long DueAt(string key, long expiresAt) => expiresAt + ((uint)key.GetHashCode(StringComparison.Ordinal) % (Spread + 1));

    /// <summary>Removes and returns up to <paramref name="limit"/> entries due at or before <paramref name="redisTime"/>.</summary>
    public List<ScheduledExpiry> TakeDue(long redisTime, int limit)
    {
        var due = new List<ScheduledExpiry>();
        lock (_lock)
        {
            while (due.Count < limit && _queue.TryPeek(out _, out var at) && at <= redisTime)
            {
                due.Add(_queue.Dequeue());
            }
        }

        return due;
    }

    /// <summary>Drops every entry for which <paramref name="isCurrent"/> is false (a key written again or deleted since).</summary>
    public void Prune(Func<ScheduledExpiry, bool> isCurrent)
    {
        ArgumentNullException.ThrowIfNull(isCurrent);
        lock (_lock)
        {
            var kept = _queue.UnorderedItems.Where(item => isCurrent(item.Element)).ToList();
            _queue.Clear();
            _queue.EnqueueRange(kept);
        }
    }
}

/// <summary>A key that expires at <paramref name="ExpiresAt"/> (ms since 1970 on Redis's clock) if it is still at <paramref name="Version"/>.</summary>
internal readonly record struct ScheduledExpiry(string Key, long Version, long ExpiresAt);
