using AspireKv.Backend.Expiry;
using AspireKv.Backend.Storage;

namespace AspireKv.Backend.Replication;

/// <summary>
/// The replication rules of one backend, without any I/O: writes go into the store by the version rule and
/// the watermark records which versions have been applied. Whether a write comes from this backend's own
/// client, the channel, the recent log or the durable copy makes no difference.
/// </summary>
internal sealed class Replica(KeyValueStore store)
{
    private readonly VersionWatermark _watermark = new();

    /// <summary>The data this replica serves.</summary>
    public KeyValueStore Store { get; } = store;

    /// <summary>The keys that expire, in the order they are due, for the sweeper.</summary>
    public ExpirySchedule Expiries { get; } = new();

    /// <summary>Every write up to this version has been applied.</summary>
    public long AppliedVersion => _watermark.Contiguous;

    /// <summary>The highest version applied, contiguous or not.</summary>
    public long HighestVersion => _watermark.Highest;

    /// <summary>The first version missing below one that was applied, or null when there is no gap.</summary>
    public long? FirstMissingVersion => _watermark.FirstMissing;

    /// <summary>Raised with the new <see cref="AppliedVersion"/> whenever it moves, after the store has the writes.</summary>
    public event Action<long>? AppliedVersionAdvanced;

    /// <summary>Applies one committed write.</summary>
    public ApplyOutcome Apply(ReplicationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var outcome = Store.Apply(entry.Key, entry.ToStoredEntry());
        if (outcome == ApplyOutcome.Applied && entry.Kind == ChangeKind.Set && entry.ExpiresAt > 0)
        {
            Expiries.Add(entry.Key, entry.Version, entry.ExpiresAt);
        }

        if (_watermark.Observe(entry.Version))
        {
            AppliedVersionAdvanced?.Invoke(_watermark.Contiguous);
        }

        return outcome;
    }

    /// <summary>
    /// Completes a load of the durable copy that was started when the sequence stood at
    /// <paramref name="snapshotVersion"/>: the copy held the newest write of every key up to that version,
    /// so every version up to it is now reflected, even the ones a later write of the same key replaced.
    /// </summary>
    public void CompleteFullSync(long snapshotVersion)
    {
        if (_watermark.AdvanceTo(snapshotVersion))
        {
            AppliedVersionAdvanced?.Invoke(_watermark.Contiguous);
        }
    }
}
