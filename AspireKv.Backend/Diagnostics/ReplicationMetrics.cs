using System.Diagnostics.Metrics;
using AspireKv.Backend.Replication;

namespace AspireKv.Backend.Diagnostics;

/// <summary>The backend's replication metrics, as the dashboard shows them.</summary>
internal sealed class ReplicationMetrics
{
    private readonly Counter<long> _committed;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _caughtUp;
    private readonly Counter<long> _malformed;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _otherEpoch;
    private readonly Counter<long> _expired;

    public ReplicationMetrics(IMeterFactory meterFactory, Replica replica, ReplicationStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(BackendTelemetry.Name);
        _committed = meter.CreateCounter<long>("aspirekv.writes.committed", "{write}", "Writes this backend committed for its clients.");
        _applied = meter.CreateCounter<long>("aspirekv.replication.applied", "{write}", "Writes applied to this replica.");
        _stale = meter.CreateCounter<long>("aspirekv.replication.stale", "{write}", "Writes ignored because the key already held that version or a newer one.");
        _caughtUp = meter.CreateCounter<long>("aspirekv.replication.caught_up", "{write}", "Writes read back from the recent log because their message was missed.");
        _malformed = meter.CreateCounter<long>("aspirekv.replication.malformed", "{message}", "Replication messages that could not be decoded and were dropped.");
        _rejected = meter.CreateCounter<long>("aspirekv.replication.rejected", "{message}", "Channel messages without a valid signature, dropped unapplied.");
        _otherEpoch = meter.CreateCounter<long>("aspirekv.replication.other_epoch", "{message}", "Channel messages of another epoch than the one loaded, dropped unapplied.");
        _expired = meter.CreateCounter<long>("aspirekv.keys.expired", "{key}", "Keys whose time to live ran out and whose delete this backend committed.");
        meter.CreateObservableGauge("aspirekv.replication.applied_version", () => replica.AppliedVersion, "{version}", "Every write up to this version is applied here.");
        meter.CreateObservableGauge("aspirekv.replication.lag", () => Math.Max(0, status.HeadVersion - replica.AppliedVersion), "{version}", "Versions this replica is behind Redis.");
        meter.CreateObservableGauge("aspirekv.store.keys", () => replica.Store.LiveKeyCount, "{key}", "Live keys held.");
        meter.CreateObservableGauge("aspirekv.store.segment_bytes", () => replica.Store.SegmentBytes, "By", "Bytes of the store's record segments, overwritten records not yet compacted included.");
    }

    public void Committed() => _committed.Add(1);

    public void Applied(bool stale)
    {
        if (stale)
        {
            _stale.Add(1);
        }
        else
        {
            _applied.Add(1);
        }
    }

    public void CaughtUp(int count) => _caughtUp.Add(count);

    public void MalformedMessage() => _malformed.Add(1);

    public void RejectedMessage() => _rejected.Add(1);

    public void OtherEpochMessage() => _otherEpoch.Add(1);

    public void Expired() => _expired.Add(1);
}
