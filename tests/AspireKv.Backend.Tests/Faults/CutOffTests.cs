using System.Text;
using AspireKv.Backend.Faults;
using AspireKv.Backend.Membership;
using AspireKv.Backend.Replication;
using AspireKv.Testing;

namespace AspireKv.Backend.Tests.Faults;

/// <summary>The simulated cut from Redis, as the decorators of the two ports apply it, with in-memory adapters underneath.</summary>
public sealed class CutOffTests
{
    // xUnit makes a new instance for every test, so each test has its own log and switch.
    private readonly InMemoryReplicationLog _inner = new();
    private readonly RedisFaultSwitch _faults = new();
    private readonly CutOffReplicationLog _log;

    public CutOffTests() => _log = new CutOffReplicationLog(_inner, _faults);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static WriteRequest Set(string key) => new(ChangeKind.Set, key, Encoding.UTF8.GetBytes("v"));

    private static byte[] Body(string key) => ReplicationMessageCodec.EncodeBody(ChangeKind.Set, key, Encoding.UTF8.GetBytes("v"), "test", null, epoch: null);

    // Commits and announces the write, as the writer does.
    private static async Task<CommitResult> CommitAsync(IReplicationLog log, InMemoryReplicationLog inner, string key)
    {
        var result = await log.CommitAsync(Set(key), Body(key), 0, (await inner.ReadStateAsync(Token)).Epoch, Token);
        if (result.Status == CommitStatus.Committed)
        {
            log.Publish(result.Version, Body(key));
        }

        return result;
    }

    private static async Task<ReplicationEntry[]> ReadDurableCopyAsync(CutOffReplicationLog log, CancellationToken token)
    {
        var copy = new List<ReplicationEntry>();
        await foreach (var entry in log.ReadDurableCopyAsync(null, token))
        {
            copy.Add(entry);
        }

        return [.. copy];
    }

    private static PeerAnnouncement Announcement(string name) => new(name, null, Ready: true, AppliedVersion: 1, HeadVersion: 1, Keys: 1);

    [Fact]
    public async Task Log_WhileCut_EveryCallFailsAsUnreachable_AndNothingIsWritten()
    {

        _faults.Cut();

        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.CommitAsync(Set("cut-commit"), Body("cut-commit"), 0, null, Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.ReadStateAsync(Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.ReadRangeAsync(1, 10, 10, null, Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => ReadDurableCopyAsync(_log, Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.JoinRestoreAsync("n", 0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.WriteBackAsync([], 0, Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.LeaveRestoreAsync("n", Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.TryCompleteRestoreAsync("e", Token));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => _log.InvalidateEpochAsync("e", Token));
        Assert.Equal(0, (await _inner.ReadStateAsync(Token)).Head);
    }

    [Fact]
    public async Task Log_CutAfterSubscribing_DropsWhatArrives_AndReconnectingAsksForACatchUp()
    {
        var received = new List<long>();
        var reconnections = 0;
        await _log.SubscribeAsync(entry => received.Add(entry.Version), () => reconnections++, Token);

        await CommitAsync(_inner, _inner, "cut-before");
        _faults.Cut();
        await CommitAsync(_inner, _inner, "cut-during");
        _faults.Reconnect();
        await CommitAsync(_inner, _inner, "cut-after");

        Assert.Equal([1, 3], received);
        Assert.Equal(1, reconnections);
    }

    [Fact]
    public async Task Log_NotCut_PassesEveryCallThrough()
    {

        var result = await CommitAsync(_log, _inner, "cut-never");
        var copy = await ReadDurableCopyAsync(_log, Token);

        Assert.Equal(new CommitResult(CommitStatus.Committed, 1), result);
        Assert.Equal("cut-never", Assert.Single(copy).Key);
        Assert.Equal(1, (await _log.ReadStateAsync(Token)).Head);
    }

    [Fact]
    public async Task PeerChannel_WhileCut_NeitherSendsNorReceives()
    {
        List<string> heard = [], sentByUs = [];
        var inner = new InMemoryPeerChannel();
        await inner.SubscribeAsync(announcement => sentByUs.Add(announcement.Name), TestContext.Current.CancellationToken);
        var faults = new RedisFaultSwitch();
        var channel = new CutOffPeerChannel(inner, faults);
        await channel.SubscribeAsync(announcement => heard.Add(announcement.Name), TestContext.Current.CancellationToken);

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
