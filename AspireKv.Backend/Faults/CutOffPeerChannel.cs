using AspireKv.Backend.Membership;

namespace AspireKv.Backend.Faults;

/// <summary>
/// The status channel as a backend cut off from Redis sees it: while <see cref="RedisFaultSwitch"/> is cut, its
/// announcements do not go out and nobody else's arrive, so its peers see it fall silent.
/// </summary>
internal sealed class CutOffPeerChannel(IPeerChannel inner, RedisFaultSwitch faults) : IPeerChannel
{
    public void Publish(PeerAnnouncement announcement)
    {
        if (!faults.CutOff)
        {
            inner.Publish(announcement);
        }
    }

    public Task SubscribeAsync(Action<PeerAnnouncement> onAnnouncement, CancellationToken cancellationToken) =>
        inner.SubscribeAsync(
            announcement =>
            {
                if (!faults.CutOff)
                {
                    onAnnouncement(announcement);
                }
            },
            cancellationToken);
}
