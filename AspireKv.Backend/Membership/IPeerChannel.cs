namespace AspireKv.Backend.Membership;

/// <summary>
/// The status channel every backend announces itself on (Redis pub/sub in production). Announcements are best
/// effort: one that is lost is simply missed, and peers see the sender as silent until the next one.
/// </summary>
internal interface IPeerChannel
{
    /// <summary>Queues <paramref name="announcement"/> for everyone; never blocks or throws.</summary>
    void Publish(PeerAnnouncement announcement);

    /// <summary>
    /// Starts delivering every backend's announcements (this one's included) to <paramref name="onAnnouncement"/>.
    /// Throws <see cref="Replication.ReplicationUnavailableException"/> when the channel cannot be reached.
    /// </summary>
    Task SubscribeAsync(Action<PeerAnnouncement> onAnnouncement, CancellationToken cancellationToken);
}
