using AspireKv.Contracts;

namespace AspireKv.Backend.Membership;

/// <summary>
/// What this backend knows about its peers from their announcements: who is alive (heard from within the
/// liveness window) and how far behind each one is. Pure apart from the injected clock.
/// </summary>
internal sealed class PeerTable(TimeProvider time, TimeSpan livenessWindow)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (PeerAnnouncement Announcement, DateTimeOffset HeardAt)> _peers = new(StringComparer.Ordinal);

    /// <summary>Records an announcement (this backend's own ones included).</summary>
    public void Heard(PeerAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        lock (_lock)
        {
            _peers[announcement.Name] = (announcement, time.GetUtcNow());
        }
    }

    /// <summary>
    /// Every backend heard from, alive or not, with how far each is behind the highest version any of them
    /// (or <paramref name="localHead"/>) has seen. Peers silent for ten liveness windows are forgotten.
    /// </summary>
    public IReadOnlyList<PeerStatus> Snapshot(long localHead)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var name in _peers.Where(p => now - p.Value.HeardAt > livenessWindow * 10).Select(p => p.Key).ToList())
            {
                _peers.Remove(name);
            }

            var head = Math.Max(localHead, _peers.Values.Select(p => p.Announcement.HeadVersion).DefaultIfEmpty(0).Max());
            return
            [
                .. _peers.Values
                    .OrderBy(p => p.Announcement.Name, StringComparer.Ordinal)
                    .Select(p => new PeerStatus(
                        p.Announcement.Name,
                        p.Announcement.Address,
                        Alive: now - p.HeardAt <= livenessWindow,
                        p.Announcement.Ready,
                        p.Announcement.AppliedVersion,
                        Math.Max(0, head - p.Announcement.AppliedVersion),
                        p.Announcement.Keys,
                        Math.Round((now - p.HeardAt).TotalSeconds, 3))),
            ];
        }
    }
}
