using AspireKv.Backend.Expiry;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using Microsoft.Extensions.Time.Testing;

namespace AspireKv.Backend.Tests.Replication;

/// <summary>The pure rules of expiry: the clock estimate, what a reader hides, and the schedule the sweeper follows.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public void Clock_PlacesRedisTimeWithinHalfTheRoundTrip_AndWidensWithAge()
    {
        var time = new FakeTimeProvider();
        var clock = new RedisClock(time);
        var sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(10));
        clock.Observe(sent, time.GetTimestamp(), 1_000_000_000L * 1000);

        var now = clock.Now();
        Assert.True(now.Fresh);
        Assert.InRange(now.Earliest, 1_000_000_000L - 1, 1_000_000_000L);
        // Redis read its clock somewhere in the 10 ms the call took, and 10 ms have passed since the call was sent.
        Assert.InRange(now.Latest, 1_000_000_000L + 10, 1_000_000_000L + 10 + 1);

        time.Advance(TimeSpan.FromSeconds(10));
        var later = clock.Now();
        Assert.False(later.Fresh);
        Assert.True(later.Latest - later.Earliest > now.Latest - now.Earliest);
        Assert.InRange(later.Estimate, 1_000_010_005L - 1, 1_000_010_005L + 1);
    }

    [Fact]
    public void Clock_KeepsTheSampleWithTheNarrowerInterval()
    {
        var time = new FakeTimeProvider();
        var clock = new RedisClock(time);
        var sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(2));
        clock.Observe(sent, time.GetTimestamp(), 5_000_000);
        var slowSent = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(400));
        // Redis answered somewhere in the 400 ms: consistent with the first sample, but far less precise.
        clock.Observe(slowSent, time.GetTimestamp(), (5_000 + 2 + 350) * 1000);

        var now = clock.Now();
        Assert.True(now.Latest - now.Earliest < 10);
        Assert.InRange(now.Estimate, 5_000 + 400, 5_000 + 403);
    }

    [Fact]
    public void Clock_FollowsASampleThatContradictsTheEstimate_AsAfterAStepOrAFailover()
    {
        var time = new FakeTimeProvider();
        var clock = new RedisClock(time);
        var sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(2));
        clock.Observe(sent, time.GetTimestamp(), 5_000_000);
        time.Advance(TimeSpan.FromSeconds(1));

        // A less precise sample, but no interval of the first one's clock holds it: Redis's clock moved on by a minute.
        var steppedSent = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(20));
        clock.Observe(steppedSent, time.GetTimestamp(), (5_000 + 1_012 + 60_000) * 1000);

        var now = clock.Now();
        Assert.InRange(now.Estimate, 5_000 + 1_022 + 60_000 - 11, 5_000 + 1_022 + 60_000 + 11);
    }

    [Fact]
    public void Reader_HidesAKeyOnlyOnceRedisTimeHasCertainlyPassedItsExpiry()
    {
        var entry = new StoredEntry(3, [1], ExpiresAt: 10_000);
        Assert.True(ExpiryRules.IsLive(entry, new RedisTime(9_999, 10_003, true)));
        Assert.False(ExpiryRules.IsLive(entry, new RedisTime(10_000, 10_003, true)));
        Assert.True(ExpiryRules.IsLiveAt(entry, 9_999));
        Assert.False(ExpiryRules.IsLiveAt(entry, 10_000));
        Assert.True(ExpiryRules.IsLive(new StoredEntry(3, [1]), new RedisTime(long.MaxValue - 1, long.MaxValue, true)));
        Assert.False(ExpiryRules.IsLive(new StoredEntry(3, null), new RedisTime(0, 0, true)));
        Assert.True(ExpiryRules.IsUncertain(10_000, new RedisTime(0, 0, Fresh: false)));
        Assert.False(ExpiryRules.IsUncertain(0, new RedisTime(0, 0, Fresh: false)));
        Assert.Equal(1.5, ExpiryRules.SecondsLeft(10_000, new RedisTime(8_499, 8_501, true)));
        Assert.Equal(0, ExpiryRules.SecondsLeft(10_000, new RedisTime(20_000, 20_001, true)));
    }

    [Fact]
    public void Schedule_GivesDueKeysInOrder_NoEarlierThanTheirExpiry_AndPrunesStaleOnes()
    {
        var schedule = new ExpirySchedule();
        schedule.Add("late", 2, 5_000);
        schedule.Add("early", 1, 1_000);
        schedule.Add("stale", 3, 1_000);

        Assert.Empty(schedule.TakeDue(999, 10));
        Assert.Equal(["early", "stale"], schedule.TakeDue(1_000 + ExpirySchedule.Spread, 10).Select(e => e.Key).Order());

        schedule.Add("stale", 3, 1_000);
        schedule.Prune(e => e.Key != "stale");
        Assert.Equal(1, schedule.Count);
        Assert.Equal("late", Assert.Single(schedule.TakeDue(long.MaxValue, 10)).Key);
    }

    [Fact]
    public void Replica_SchedulesAppliedSetsThatExpire_AndTheStoreKeepsTheExpiryUntilTheNextWrite()
    {
        var replica = new Replica(new KeyValueStore());
        replica.Apply(new ReplicationEntry(1, ChangeKind.Set, "k", [1], "n", null, ExpiresAt: 7_000));
        replica.Apply(new ReplicationEntry(2, ChangeKind.Set, "never", [1], "n", null));

        Assert.Equal(1, replica.Expiries.Count);
        Assert.True(replica.Store.TryGet("k", out var entry));
        Assert.Equal(7_000, entry.ExpiresAt);

        replica.Apply(new ReplicationEntry(3, ChangeKind.Set, "k", [2], "n", null));
        Assert.True(replica.Store.TryGetKey("k", out var cleared));
        Assert.Equal(0, cleared.ExpiresAt);
        replica.Apply(new ReplicationEntry(4, ChangeKind.Expire, "never", [], "n", null));
        Assert.True(replica.Store.TryGet("never", out var expired));
        Assert.True(expired.IsTombstone);
    }
}
