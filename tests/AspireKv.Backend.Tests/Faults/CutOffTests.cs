using System.Text;
using AspireKv.Backend.Faults;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Replication;
using AspireKv.Testing;

namespace AspireKv.Backend.Tests.Faults;

/// <summary>The simulated cut from Redis, as the decorators of the two ports apply it, with in-memory adapters underneath.</summary>
public sealed class CutOffTests
{
    private static WriteRequest Set(string key) => new(ChangeKind.Set, key, Encoding.UTF8.GetBytes("v"));

    private static byte[] Body(string key) => ReplicationMessageCodec.EncodeBody(ChangeKind.Set, key, Encoding.UTF8.GetBytes("v"), "test", null);

    private static PeerAnnouncement Announcement(string name) => new(name, null, Ready: true, AppliedVersion: 1, HeadVersion: 1, Keys: 1);

    [Fact]
    public async Task Log_WhileCut_EveryCallFailsAsUnreachable_AndNothingIsWritten()
    {
        var inner = new InMemoryReplicationLog();
        var faults = new RedisFaultSwitch();
        var log = new CutOffReplicationLog(inner, faults);
        var token = TestContext.Current.CancellationToken;

        faults.Cut();

        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.CommitAsync(Set("cut-commit"), Body("cut-commit"), 0, token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.ReadStateAsync(token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.ReadRangeAsync(1, 10, 10, token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(async () =>
        {
            await foreach (var _ in log.ReadDurableCopyAsync(token))
            {
            }
        });
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.JoinRestoreAsync("n", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.WriteBackAsync([], 0, token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.LeaveRestoreAsync("n", token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.TryCompleteRestoreAsync("e", token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.InvalidateEpochAsync("e", token));
        Assert.Equal(0, (await inner.ReadStateAsync(token)).Head);
    }

    [Fact]
    public async Task Log_CutAfterSubscribing_DropsWhatArrives_AndReconnectingAsksForACatchUp()
    {
        var inner = new InMemoryReplicationLog();
        var faults = new RedisFaultSwitch();
        var log = new CutOffReplicationLog(inner, faults);
        var token = TestContext.Current.CancellationToken;
        var received = new List<long>();
        var reconnections = 0;
        await log.SubscribeAsync(entry => received.Add(entry.Version), () => reconnections++, token);

        await inner.CommitAsync(Set("cut-before"), Body("cut-before"), 0, token);
        faults.Cut();
        await inner.CommitAsync(Set("cut-during"), Body("cut-during"), 0, token);
        faults.Reconnect();
        await inner.CommitAsync(Set("cut-after"), Body("cut-after"), 0, token);

        Assert.Equal([1, 3], received);
        Assert.Equal(1, reconnections);
    }

    [Fact]
    public async Task Log_NotCut_PassesEveryCallThrough()
    {
        var inner = new InMemoryReplicationLog();
        var log = new CutOffReplicationLog(inner, new RedisFaultSwitch());
        var token = TestContext.Current.CancellationToken;

        var result = await log.CommitAsync(Set("cut-never"), Body("cut-never"), 0, token);
        var copy = new List<ReplicationEntry>();
        await foreach (var entry in log.ReadDurableCopyAsync(token))
        {
            copy.Add(entry);
        }

        Assert.Equal(new CommitResult(CommitStatus.Committed, 1), result);
        Assert.Equal("cut-never", Assert.Single(copy).Key);
        Assert.Equal(1, (await log.ReadStateAsync(token)).Head);
    }

    [Fact]
    public async Task PeerChannel_WhileCut_NeitherSendsNorReceives()
    {
        var inner = new InMemoryPeerChannel();
        var faults = new RedisFaultSwitch();
        var channel = new CutOffPeerChannel(inner, faults);
        var heard = new List<string>();
        await channel.SubscribeAsync(announcement => heard.Add(announcement.Name), TestContext.Current.CancellationToken);
        var sentByUs = new List<string>();
        await inner.SubscribeAsync(announcement => sentByUs.Add(announcement.Name), TestContext.Current.CancellationToken);

        faults.Cut();
        channel.Publish(Announcement("us-while-cut"));
        inner.Publish(Announcement("peer-while-cut"));
        faults.Reconnect();
        channel.Publish(Announcement("us-after"));
        inner.Publish(Announcement("peer-after"));

        Assert.Equal(["peer-while-cut", "us-after", "peer-after"], sentByUs);
        Assert.Equal(["us-after", "peer-after"], heard);
    }
}
