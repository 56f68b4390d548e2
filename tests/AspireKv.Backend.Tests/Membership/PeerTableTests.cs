using AspireKv.Backend.Membership;
using Microsoft.Extensions.Time.Testing;

namespace AspireKv.Backend.Tests.Membership;

public sealed class PeerTableTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    private readonly FakeTimeProvider _time = new();
    private readonly PeerTable _peers;

    public PeerTableTests() => _peers = new PeerTable(_time, Window);

    private static PeerAnnouncement Announcement(string name, long applied, long head = 0) =>
        new(name, $"http://{name}", Ready: true, applied, head == 0 ? applied : head, Keys: 3);

    [Fact]
    public void Snapshot_RecentAnnouncements_AreAliveWithTheirLag()
    {
        _peers.Heard(Announcement("backend-1", 100));
        _peers.Heard(Announcement("backend-2", 90));

        var peers = _peers.Snapshot(localHead: 100);

        Assert.Equal(["backend-1", "backend-2"], peers.Select(p => p.Name));
        Assert.All(peers, p => Assert.True(p.Alive));
        Assert.Equal([0, 10], peers.Select(p => p.Behind));
    }

    [Fact]
    public void Snapshot_SilentLongerThanWindow_IsNotAlive()
    {
        _peers.Heard(Announcement("backend-1", 5));
        _time.Advance(Window + TimeSpan.FromMilliseconds(1));
        _peers.Heard(Announcement("backend-2", 5));

        var peers = _peers.Snapshot(localHead: 5);

        Assert.False(peers.Single(p => p.Name == "backend-1").Alive);
        Assert.True(peers.Single(p => p.Name == "backend-2").Alive);
    }

    [Fact]
    public void Snapshot_LagIsMeasuredAgainstTheHighestHeadAnyoneSaw()
    {
        _peers.Heard(Announcement("backend-1", applied: 40, head: 50));

        Assert.Equal(10, Assert.Single(_peers.Snapshot(localHead: 45)).Behind);
    }

    [Fact]
    public void Snapshot_SilentForTenWindows_IsForgotten()
    {
        _peers.Heard(Announcement("backend-1", 1));
        _time.Advance(Window * 10 + TimeSpan.FromSeconds(1));

        Assert.Empty(_peers.Snapshot(localHead: 1));
    }
}
