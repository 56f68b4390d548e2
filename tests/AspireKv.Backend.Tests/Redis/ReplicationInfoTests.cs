using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Redis;
using AspireKv.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace AspireKv.Backend.Tests.Redis;

/// <summary>What the cluster panel shows of the Redis servers: a primary's replicas, and the failovers a backend saw.</summary>
public sealed class ReplicationInfoTests
{
    [Fact]
    public void Parse_APrimaryWithTwoReplicas_GivesEachReplicaItsLag()
    {
        const string info = "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
            + "slave0:ip=127.0.0.1,port=6381,state=online,offset=1000,lag=0\r\n"
            + "slave1:ip=127.0.0.1,port=6382,state=wait_bgsave,offset=0,lag=3\r\n"
            + "master_failover_state:no-failover\r\nmaster_replid:8d2f\r\nmaster_repl_offset:1200\r\n";

        var parsed = ReplicationInfo.Parse(info);

        Assert.NotNull(parsed);
        Assert.Equal("8d2f", parsed.ReplicationId);
        Assert.Equal(1200, parsed.Offset);
        Assert.Equal(
            [new RedisReplicaStatus("127.0.0.1:6381", "online", 1000, 200, 0), new RedisReplicaStatus("127.0.0.1:6382", "wait_bgsave", 0, 1200, 3)],
            parsed.Replicas);
    }

    [Fact]
    public void Parse_AReplica_IsNoPrimary() =>
        Assert.Null(ReplicationInfo.Parse("# Replication\nrole:slave\nmaster_host:127.0.0.1\nslave_repl_offset:5\n"));

    [Fact]
    public void Parse_AServerThatSaysLittle_HasNoReplicasAndOffsetZero()
    {
        var parsed = ReplicationInfo.Parse("# Replication\nrole:master\nslave_read_only:1\n");

        Assert.NotNull(parsed);
        Assert.Equal("", parsed.ReplicationId);
        Assert.Equal(0, parsed.Offset);
        Assert.Empty(parsed.Replicas);
    }

    [Fact]
    public void View_BehindSentinel_CountsEveryChangeOfPrimary()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var view = new RedisServersView(time);

        view.Observe("127.0.0.1:6380", "a1", followsFailovers: true, 10, []);
        view.Observe("127.0.0.1:6380", "a1", followsFailovers: true, 20, []);
        Assert.Equal(0, view.Current!.FailoversSeen);
        Assert.Null(view.Current.LastFailoverAt);

        time.Advance(TimeSpan.FromSeconds(5));
        view.Observe("127.0.0.1:6381", "b1", followsFailovers: true, 30, []);
        Assert.Equal(1, view.Current.FailoversSeen);
        Assert.Equal(time.GetUtcNow(), view.Current.LastFailoverAt);
        Assert.Equal("127.0.0.1:6381", view.Current.Primary);
    }

    [Fact]
    public void View_AServerPromotedAgain_WhileTheBackendCouldNotAsk_CountsAFailover()
    {
        var view = new RedisServersView(new FakeTimeProvider());

        // 6380 was primary, then 6381, then 6380 again with a new replication ID; this backend saw neither change happen.
        view.Observe("127.0.0.1:6380", "a1", followsFailovers: true, 10, []);
        view.Observe("127.0.0.1:6380", "a2", followsFailovers: true, 40, []);

        Assert.Equal(1, view.Current!.FailoversSeen);
    }

    [Fact]
    public void View_AServerWithoutReplicationId_IsToldByItsAddress()
    {
        var view = new RedisServersView(new FakeTimeProvider());

        view.Observe("127.0.0.1:6380", "", followsFailovers: true, 10, []);
        view.Observe("127.0.0.1:6380", "", followsFailovers: true, 20, []);
        view.Observe("127.0.0.1:6381", "", followsFailovers: true, 30, []);

        Assert.Equal(1, view.Current!.FailoversSeen);
    }

    [Fact]
    public void View_OnASingleServer_CountsNoFailover()
    {
        var view = new RedisServersView(new FakeTimeProvider());

        view.Observe("localhost:6379", "", followsFailovers: false, 1, []);
        view.Observe("127.0.0.1:6379", "", followsFailovers: false, 2, []);

        Assert.Equal(0, view.Current!.FailoversSeen);
    }
}
