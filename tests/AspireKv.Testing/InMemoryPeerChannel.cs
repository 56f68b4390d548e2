using AspireKv.Backend.Membership;

namespace AspireKv.Testing;

/// <summary>The status channel in memory: every announcement reaches every subscriber of this instance at once.</summary>
internal sealed class InMemoryPeerChannel : IPeerChannel
{
    private readonly Lock _lock = new();
    private readonly List<Action<PeerAnnouncement>> _subscribers = [];

    public void Publish(PeerAnnouncement announcement)
    {
        Action<PeerAnnouncement>[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(announcement);
        }
    }

    public Task SubscribeAsync(Action<PeerAnnouncement> onAnnouncement, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _subscribers.Add(onAnnouncement);
        }

        return Task.CompletedTask;
    }
}
