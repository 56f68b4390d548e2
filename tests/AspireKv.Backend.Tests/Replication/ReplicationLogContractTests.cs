using System.Diagnostics;
using System.Text;
using AspireKv.Backend.Diagnostics;
using AspireKv.Backend.Redis;
using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using AspireKv.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AspireKv.Backend.Tests.Replication;

/// <summary>
/// The rules of the replication log, run against the in-memory fake and against the real Lua scripts on Debian's
/// redis-server and on Garnet (as the product runs it), so the fake other tests rely on behaves like the real thing
/// and both servers keep the same promises.
/// </summary>
public abstract class ReplicationLogContractTests
{
    private protected const string Node = "backend-test";

    // The race tests: rounds of this many writers on connections of their own. Without atomic scripts (Garnet
    // without its transaction mode) each test failed in 20 of 20 runs of the contract class at these sizes; plain
    // writes interleave less often than conditional ones, so they get more rounds (docs/architecture.md).
    private const int RaceWriters = 8, ConditionalRounds = 40, PlainRounds = 150;

    private protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty log with an epoch in force.</summary>
    private protected async Task<IReplicationLog> CreateLogAsync(int logLength = 1_000) => (await CreateLogsAsync(1, logLength))[0];

    /// <summary>
    /// <paramref name="count"/> views of one fresh, empty log with an epoch in force, each with a connection of its
    /// own (as several backends have), so that their commits really run at the same time.
    /// </summary>
    private protected abstract Task<IReplicationLog[]> CreateLogsAsync(int count, int logLength = 1_000);

    private protected static async Task<CommitResult> SetAsync(IReplicationLog log, string key, string value, WriteCondition condition = default, string? idempotencyKey = null, long highestKnown = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var epoch = (await log.ReadStateAsync(Cancellation)).Epoch;
        return await CommitAndPublishAsync(log, new WriteRequest(ChangeKind.Set, key, bytes, condition, idempotencyKey), epoch, highestKnown);
    }

    // What the writer does: commits, and announces what was committed.
    private static async Task<CommitResult> CommitAndPublishAsync(IReplicationLog log, WriteRequest request, string? epoch, long highestKnown)
    {
        var body = ReplicationMessageCodec.EncodeBody(request.Kind, request.Key, request.Value, Node, null, epoch);
        var result = await log.CommitAsync(request, body, highestKnown, epoch, Cancellation);
        if (result.Status == CommitStatus.Committed)
        {
            log.Publish(result.Version, body);
        }

        return result;
    }

    private static async Task<CommitResult> DeleteAsync(IReplicationLog log, string key, WriteCondition condition = default, string? idempotencyKey = null)
    {
        var epoch = (await log.ReadStateAsync(Cancellation)).Epoch;
        return await CommitAndPublishAsync(log, new WriteRequest(ChangeKind.Delete, key, [], condition, idempotencyKey), epoch, 0);
    }

    [Fact]
    public async Task Commit_ConsecutiveWrites_GetConsecutiveVersions()
    {
        var log = await CreateLogAsync();

        Assert.Equal(new CommitResult(CommitStatus.Committed, 1), await SetAsync(log, "a", "1"));
        Assert.Equal(new CommitResult(CommitStatus.Committed, 2), await SetAsync(log, "b", "2"));
        Assert.Equal(new CommitResult(CommitStatus.Committed, 3), await DeleteAsync(log, "a"));
        Assert.Equal(3, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_SetWithTtl_ExpiresOnTheServersClock_InTheCommittedAndStoredMessage()
    {
        var log = await CreateLogAsync();
        var epoch = (await log.ReadStateAsync(Cancellation)).Epoch;
        var before = await log.ReadClockAsync(Cancellation) / 1000;

        var result = await CommitAndPublishAsync(log, new WriteRequest(ChangeKind.Set, "ttl", [1], TimeToLive: TimeSpan.FromSeconds(30)), epoch, 0);
        var after = await log.ReadClockAsync(Cancellation) / 1000;

        Assert.Equal(CommitStatus.Committed, result.Status);
        Assert.InRange(result.ExpiresAt, before + 30_000, after + 30_000);
        var stored = await SingleAsync(log.ReadDurableCopyAsync(null, Cancellation));
        Assert.Equal(result.ExpiresAt, stored.ExpiresAt);
        Assert.Equal([1], stored.Value);
        Assert.Equal(result.ExpiresAt, (await log.ReadRangeAsync(1, 1, 1, null, Cancellation)).Single().ExpiresAt);
        Assert.Equal(0, (await SetAsync(log, "no-ttl", "v")).ExpiresAt);
    }

    [Fact]
    public async Task Commit_Expire_IsRefusedBeforeTheExpiryAndAfterARefresh_AndCommitsATombstoneOnceDue()
    {
        var log = await CreateLogAsync();
        var epoch = (await log.ReadStateAsync(Cancellation)).Epoch;
        var set = await CommitAndPublishAsync(log, new WriteRequest(ChangeKind.Set, "ttl", [1], TimeToLive: TimeSpan.FromSeconds(30)), epoch, 0);
        var now = await log.ReadClockAsync(Cancellation) / 1000;
        WriteRequest Expire(long version, long expiresAt) => new(ChangeKind.Expire, "ttl", [], new WriteCondition(WriteConditionKind.IfVersion, version), ExpiresAt: expiresAt);

        Assert.Equal(new CommitResult(CommitStatus.NotYetExpired, set.Version), await CommitAndPublishAsync(log, Expire(set.Version, set.ExpiresAt), epoch, 0));
        Assert.Equal(CommitStatus.PreconditionFailed, (await CommitAndPublishAsync(log, Expire(set.Version + 5, now), epoch, 0)).Status);

        // The key's expiry as a backend holds it is what the delete is checked against; a past one is due.
        var expired = await CommitAndPublishAsync(log, Expire(set.Version, now), epoch, 0);

        Assert.Equal(CommitStatus.Committed, expired.Status);
        var stored = await SingleAsync(log.ReadDurableCopyAsync(null, Cancellation));
        Assert.Equal(ChangeKind.Expire, stored.Kind);
        Assert.True(stored.ToStoredEntry().IsTombstone);
        Assert.Equal(CommitStatus.PreconditionFailed, (await CommitAndPublishAsync(log, Expire(set.Version, now), epoch, 0)).Status);
    }

    private static async Task<ReplicationEntry> SingleAsync(IAsyncEnumerable<ReplicationEntry> entries)
    {
        var all = new List<ReplicationEntry>();
        await foreach (var entry in entries)
        {
            all.Add(entry);
        }

        return Assert.Single(all);
    }

    [Fact]
    public async Task Commit_ConditionNotMet_FailsWithCurrentVersionAndUsesNoVersion()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "k", "v1");

        Assert.Equal(new CommitResult(CommitStatus.PreconditionFailed, 1), await SetAsync(log, "k", "v2", new WriteCondition(WriteConditionKind.IfAbsent)));
        Assert.Equal(new CommitResult(CommitStatus.PreconditionFailed, 1), await SetAsync(log, "k", "v2", new WriteCondition(WriteConditionKind.IfVersion, 7)));
        Assert.Equal(new CommitResult(CommitStatus.PreconditionFailed, 0), await SetAsync(log, "other", "v", new WriteCondition(WriteConditionKind.IfPresent)));
        Assert.Equal(new CommitResult(CommitStatus.PreconditionFailed, 1), await DeleteAsync(log, "k", new WriteCondition(WriteConditionKind.IfVersion, 9)));
        Assert.Equal(1, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_ConditionMet_Commits()
    {
        var log = await CreateLogAsync();

        Assert.Equal(CommitStatus.Committed, (await SetAsync(log, "k", "v1", new WriteCondition(WriteConditionKind.IfAbsent))).Status);
        Assert.Equal(CommitStatus.Committed, (await SetAsync(log, "k", "v2", new WriteCondition(WriteConditionKind.IfVersion, 1))).Status);
        Assert.Equal(CommitStatus.Committed, (await SetAsync(log, "k", "v3", new WriteCondition(WriteConditionKind.IfPresent))).Status);
        Assert.Equal(CommitStatus.Committed, (await DeleteAsync(log, "k", new WriteCondition(WriteConditionKind.IfVersion, 3))).Status);
        Assert.Equal(CommitStatus.Committed, (await SetAsync(log, "k", "v5", new WriteCondition(WriteConditionKind.IfAbsent))).Status);
    }

    [Fact]
    public async Task Commit_DeleteOfAbsentOrDeletedKey_IsNotFoundAndUsesNoVersion()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "k", "v");
        await DeleteAsync(log, "k");

        Assert.Equal(CommitStatus.NotFound, (await DeleteAsync(log, "k")).Status);
        Assert.Equal(CommitStatus.NotFound, (await DeleteAsync(log, "never")).Status);
        Assert.Equal(2, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_SameIdempotencyKey_ReplaysTheFirstVersion()
    {
        var log = await CreateLogAsync();

        var first = await SetAsync(log, "k", "v", idempotencyKey: "retry-1");
        var retry = await SetAsync(log, "k", "v", idempotencyKey: "retry-1");

        Assert.Equal(new CommitResult(CommitStatus.Replayed, first.Version), retry);
        Assert.Equal(1, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_RetryOfARefusedCreate_AfterTheKeyWasDeleted_IsRefusedAgainAndWritesNothing()
    {
        // An earlier attempt of a write can reach Redis after a later one was refused (it waited in a paused backend
        // while the balancer sent the write elsewhere): the refusal its client was given must stand.
        var log = await CreateLogAsync();
        var existing = await SetAsync(log, "k", "v");

        var refused = await SetAsync(log, "k", "late", new WriteCondition(WriteConditionKind.IfAbsent), idempotencyKey: "create-1");
        await DeleteAsync(log, "k");
        var late = await SetAsync(log, "k", "late", new WriteCondition(WriteConditionKind.IfAbsent), idempotencyKey: "create-1");

        Assert.Equal(new CommitResult(CommitStatus.PreconditionFailed, existing.Version), refused);
        Assert.Equal(refused, late);
        Assert.Equal(2, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_RetryOfADeleteThatFoundNothing_AfterTheKeyWasSet_IsNotFoundAgainAndDeletesNothing()
    {
        var log = await CreateLogAsync();

        var missing = await DeleteAsync(log, "k", idempotencyKey: "delete-1");
        var set = await SetAsync(log, "k", "v");
        var late = await DeleteAsync(log, "k", idempotencyKey: "delete-1");

        Assert.Equal(new CommitResult(CommitStatus.NotFound, 0), missing);
        Assert.Equal(missing, late);
        Assert.Equal(set.Version, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_SameIdempotencyKeyOnADifferentWriteAfterARefusal_IsRefusedAsReused()
    {
        var log = await CreateLogAsync();
        var existing = await SetAsync(log, "k", "v");
        await SetAsync(log, "k", "w", new WriteCondition(WriteConditionKind.IfAbsent), idempotencyKey: "reused-after-refusal");

        var other = await SetAsync(log, "k", "x", idempotencyKey: "reused-after-refusal");

        Assert.Equal(new CommitResult(CommitStatus.IdempotencyKeyReused, existing.Version), other);
        Assert.Equal(1, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_SameIdempotencyKeyOnADifferentWrite_IsRefusedAndWritesNothing()
    {
        var log = await CreateLogAsync();

        var first = await SetAsync(log, "k", "v", idempotencyKey: "reused");
        var otherKey = await SetAsync(log, "other", "v", idempotencyKey: "reused");
        var otherValue = await SetAsync(log, "k", "w", idempotencyKey: "reused");
        var otherCondition = await SetAsync(log, "k", "v", new WriteCondition(WriteConditionKind.IfVersion, first.Version), idempotencyKey: "reused");

        Assert.All([otherKey, otherValue, otherCondition], result => Assert.Equal(new CommitResult(CommitStatus.IdempotencyKeyReused, first.Version), result));
        Assert.Equal(1, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_WithoutEpoch_IsRefused()
    {
        var log = await CreateLogAsync();
        var epoch = (await log.ReadStateAsync(Cancellation)).Epoch!;
        await log.InvalidateEpochAsync(epoch, Cancellation);

        Assert.Equal(CommitStatus.RecoveryNeeded, (await SetAsync(log, "k", "v")).Status);
        Assert.Null((await log.ReadStateAsync(Cancellation)).Epoch);
    }

    [Fact]
    public async Task Commit_WriterThatHasNotLoadedTheCurrentEpoch_IsRefusedAndWritesNothing()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "k", "v");
        var bytes = "other"u8.ToArray();

        var stale = await log.CommitAsync(
            new WriteRequest(ChangeKind.Set, "k", bytes),
            ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "k", bytes, Node, null, "1:an-epoch-that-ended"),
            1,
            "1:an-epoch-that-ended",
            Cancellation);
        var unloaded = await log.CommitAsync(
            new WriteRequest(ChangeKind.Set, "k", bytes), ReplicationMessageCodec.EncodeBody(ChangeKind.Set, "k", bytes, Node, null, null), 1, null, Cancellation);

        Assert.Equal(CommitStatus.StaleEpoch, stale.Status);
        Assert.Equal(CommitStatus.StaleEpoch, unloaded.Status);
        Assert.Equal(1, (await log.ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Commit_WriterHasSeenMoreThanTheHead_IsRefused()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "k", "v");

        Assert.Equal(new CommitResult(CommitStatus.RecoveryNeeded, 1), await SetAsync(log, "k", "v", highestKnown: 5));
    }

    [Fact]
    public async Task ReadRange_TrimmedLog_KeepsTheNewestEntriesInOrder()
    {
        var log = await CreateLogAsync(logLength: 3);
        for (var i = 0; i < 5; i++)
        {
            await SetAsync(log, $"k{i}", "v");
        }

        var entries = await log.ReadRangeAsync(1, 5, 10, null, Cancellation);

        Assert.Equal([3, 4, 5], entries.Select(e => e.Version));
        Assert.Equal([4], (await log.ReadRangeAsync(4, 5, 1, null, Cancellation)).Select(e => e.Version));
    }

    [Fact]
    public async Task ReadDurableCopy_HoldsTheNewestWriteOfEachKeyTombstonesIncluded()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "a", "1");
        await SetAsync(log, "a", "2");
        await SetAsync(log, "b", "3");
        await DeleteAsync(log, "b");

        var copy = new List<ReplicationEntry>();
        await foreach (var entry in log.ReadDurableCopyAsync(null, Cancellation))
        {
            copy.Add(entry);
        }

        Assert.Equal([("a", 2L, ChangeKind.Set), ("b", 4L, ChangeKind.Delete)], copy.OrderBy(e => e.Key).Select(e => (e.Key, e.Version, e.Kind)));
        Assert.Equal("2", Encoding.UTF8.GetString(copy.Single(e => e.Key == "a").Value));
    }

    [Fact]
    public async Task Restore_WriteBack_KeepsTheHigherVersionAndMovesTheSequencePastEverythingSeen()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "a", "in redis");
        var epoch = (await log.ReadStateAsync(Cancellation)).Epoch!;
        await log.InvalidateEpochAsync(epoch, Cancellation);

        await log.JoinRestoreAsync(Node, knownGeneration: 4, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), Cancellation);
        await log.WriteBackAsync(
            [
                new ReplicationEntry(7, ChangeKind.Set, "a", "from a backend"u8.ToArray(), Node, null),
                new ReplicationEntry(9, ChangeKind.Set, "b", "only on a backend"u8.ToArray(), Node, null),
            ],
            highestSeenVersion: 12,
            Cancellation);
        await log.LeaveRestoreAsync(Node, Cancellation);
        var newEpoch = await Eventually(() => log.TryCompleteRestoreAsync("second", Cancellation));

        var state = await log.ReadStateAsync(Cancellation);
        // Above the generation of every member, whatever the log itself had.
        Assert.Equal("5:second", newEpoch);
        Assert.Equal(new ClusterState(12, "5:second"), state with { Clock = 0 });
        Assert.Equal(13, (await SetAsync(log, "c", "after", highestKnown: 12)).Version);
        var copy = new Dictionary<string, long>();
        await foreach (var entry in log.ReadDurableCopyAsync(null, Cancellation))
        {
            copy[entry.Key] = entry.Version;
        }

        Assert.Equal(7, copy["a"]);
        Assert.Equal(9, copy["b"]);
    }

    [Fact]
    public async Task Seed_WritesTheEntries_DropsTheRecentLog_MovesTheHead_AndStartsANewEpoch()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "held", "before");
        var before = await log.ReadStateAsync(Cancellation);

        var epoch = await log.SeedAsync(
            [
                new ReplicationEntry(50, ChangeKind.Set, "restored", "from the snapshot"u8.ToArray(), Node, null, ExpiresAt: 4_000_000_000_000),
                new ReplicationEntry(51, ChangeKind.Delete, "held", [], Node, null),
            ],
            before.Head,
            before.Epoch!,
            newHead: 1_000,
            "seeded",
            Cancellation);

        Assert.Equal(Epochs.Format(Epochs.GenerationOf(before.Epoch) + 1, "seeded"), epoch);
        Assert.Equal(new ClusterState(1_000, epoch), (await log.ReadStateAsync(Cancellation)) with { Clock = 0 });
        Assert.Empty(await log.ReadRangeAsync(0, 1_000, 100, null, Cancellation));
        var copy = new Dictionary<string, ReplicationEntry>();
        await foreach (var entry in log.ReadDurableCopyAsync(null, Cancellation))
        {
            copy[entry.Key] = entry;
        }

        Assert.Equal((50, ChangeKind.Set, "from the snapshot", 4_000_000_000_000), (copy["restored"].Version, copy["restored"].Kind, Encoding.UTF8.GetString(copy["restored"].Value), copy["restored"].ExpiresAt));
        Assert.Equal((51, ChangeKind.Delete), (copy["held"].Version, copy["held"].Kind));
        Assert.Equal(1_001, (await SetAsync(log, "after", "the restore", highestKnown: 1_000)).Version);
    }

    [Fact]
    public async Task Seed_AfterAWriteOrWithAnotherEpoch_ChangesNothing()
    {
        var log = await CreateLogAsync();
        await SetAsync(log, "first", "1");
        var read = await log.ReadStateAsync(Cancellation);
        await SetAsync(log, "second", "2");
        ReplicationEntry[] entries = [new ReplicationEntry(7, ChangeKind.Set, "restored", "x"u8.ToArray(), Node, null)];

        Assert.Null(await log.SeedAsync(entries, read.Head, read.Epoch!, 100, "late", Cancellation));
        var now = await log.ReadStateAsync(Cancellation);
        Assert.Null(await log.SeedAsync(entries, now.Head, "9:another", 100, "other", Cancellation));

        Assert.Equal(now with { Clock = 0 }, (await log.ReadStateAsync(Cancellation)) with { Clock = 0 });
        var keys = new List<string>();
        await foreach (var entry in log.ReadDurableCopyAsync(null, Cancellation))
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(["first", "second"], keys.Order());
        Assert.Equal(2, (await log.ReadRangeAsync(0, 100, 100, null, Cancellation)).Count);
    }

    [Fact]
    public async Task Subscribe_DeliversEveryCommittedWrite()
    {
        var log = await CreateLogAsync();
        var delivered = new List<long>();
        await log.SubscribeAsync(entry => { lock (delivered) { delivered.Add(entry.Version); } }, () => { }, Cancellation);

        await SetAsync(log, "a", "1");
        await SetAsync(log, "b", "2");

        await Eventually(() =>
        {
            lock (delivered)
            {
                return Task.FromResult<string?>(delivered.Count == 2 ? string.Empty : null);
            }
        });
        Assert.Equal([1, 2], delivered.Order());
    }

    [Fact]
    public async Task Commit_ConcurrentCreatesOfOneKey_ExactlyOneWinsEveryRound()
    {
        var logs = await CreateLogsAsync(RaceWriters);
        for (var round = 0; round < ConditionalRounds; round++)
        {
            var key = $"create-{round}";
            var results = await Task.WhenAll(logs.Select((log, writer) =>
                Task.Run(() => SetAsync(log, key, $"writer {writer}", new WriteCondition(WriteConditionKind.IfAbsent)), Cancellation)));

            Assert.True(
                results.Count(r => r.Status == CommitStatus.Committed) == 1,
                $"round {round}: {string.Join(", ", results.Select(r => $"{r.Status} {r.Version}"))}");
            Assert.All(results.Where(r => r.Status != CommitStatus.Committed), r => Assert.Equal(CommitStatus.PreconditionFailed, r.Status));
        }
    }

    [Fact]
    public async Task Commit_ConcurrentWritesOfOneKey_GetDistinctVersionsAndTheDurableCopyHoldsTheLast()
    {
        var logs = await CreateLogsAsync(RaceWriters, logLength: PlainRounds * RaceWriters);
        var committed = 0;
        for (var round = 0; round < PlainRounds; round++)
        {
            var key = $"plain-{round}";
            var results = await Task.WhenAll(logs.Select((log, writer) => Task.Run(() => SetAsync(log, key, $"writer {writer}"), Cancellation)));
            committed += results.Length;

            Assert.All(results, r => Assert.Equal(CommitStatus.Committed, r.Status));
            Assert.Equal(results.Length, results.Select(r => r.Version).Distinct().Count());
            var stored = await ReadDurableCopyEntryAsync(logs[0], key);
            Assert.True(stored.Version == results.Max(r => r.Version), $"round {round}: the durable copy holds version {stored.Version}, the last write got {results.Max(r => r.Version)}");
            var last = Array.FindIndex(results, r => r.Version == stored.Version);
            Assert.Equal($"writer {last}", Encoding.UTF8.GetString(stored.Value));
        }

        // Every version went to exactly one write: none was assigned twice or skipped.
        Assert.Equal(committed, (await logs[0].ReadStateAsync(Cancellation)).Head);
        var logged = await logs[0].ReadRangeAsync(1, committed, committed, null, Cancellation);
        Assert.Equal(Enumerable.Range(1, committed).Select(v => (long)v), logged.Select(e => e.Version));
    }

    [Fact]
    public async Task Commit_ConcurrentIdempotentRetries_CommitOnce()
    {
        var logs = await CreateLogsAsync(RaceWriters);
        for (var round = 0; round < ConditionalRounds; round++)
        {
            var results = await Task.WhenAll(logs.Select(log => Task.Run(() => SetAsync(log, $"idempotent-{round}", "v", idempotencyKey: $"retry-{round}"), Cancellation)));

            Assert.Single(results, r => r.Status == CommitStatus.Committed);
            Assert.All(results, r => Assert.Equal(results.Single(c => c.Status == CommitStatus.Committed).Version, r.Version));
        }

        Assert.Equal(ConditionalRounds, (await logs[0].ReadStateAsync(Cancellation)).Head);
    }

    [Fact]
    public async Task Subscribe_DeliversOneWritersCommitsInCommitOrder()
    {
        var log = await CreateLogAsync();
        var delivered = new List<long>();
        await log.SubscribeAsync(entry => { lock (delivered) { delivered.Add(entry.Version); } }, () => { }, Cancellation);

        const int writes = 300;
        for (var i = 0; i < writes; i++)
        {
            await SetAsync(log, $"ordered-{i % 7}", $"v{i}");
        }

        await Eventually(() =>
        {
            lock (delivered)
            {
                return Task.FromResult<string?>(delivered.Count == writes ? string.Empty : null);
            }
        });
        Assert.Equal(Enumerable.Range(1, writes).Select(v => (long)v), delivered);
    }

    [Fact]
    public async Task ReadDurableCopy_WhileWritesGoOn_ReturnsEveryKeyThatExistedThroughout()
    {
        var logs = await CreateLogsAsync(2);
        const int keys = 3_000;
        for (var i = 0; i < keys; i += 100)
        {
            await Task.WhenAll(Enumerable.Range(i, 100).Select(k => SetAsync(logs[0], $"scan-{k}", "first")));
        }

        // Overwrites of the existing keys and new keys, while the other connection reads the copy page by page.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await SetAsync(logs[1], $"scan-{i % keys}", "again");
                await SetAsync(logs[1], $"scan-new-{i}", "new");
            }
        }, Cancellation);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in logs[0].ReadDurableCopyAsync(null, Cancellation))
        {
            seen.Add(entry.Key);
        }

        await stop.CancelAsync();
        await writer;
        var missing = Enumerable.Range(0, keys).Select(k => $"scan-{k}").Where(key => !seen.Contains(key)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} keys missing from the scan, e.g. {string.Join(", ", missing.Take(5))}");
    }

    private static async Task<ReplicationEntry> ReadDurableCopyEntryAsync(IReplicationLog log, string key)
    {
        await foreach (var entry in log.ReadDurableCopyAsync(null, Cancellation))
        {
            if (entry.Key == key)
            {
                return entry;
            }
        }

        throw new InvalidOperationException($"{key} is not in the durable copy.");
    }

    // A restore's barrier and Redis pub/sub both take a moment; poll with a deadline.
    private protected static async Task<string> Eventually(Func<Task<string?>> probe)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}

public sealed class InMemoryReplicationLogContractTests : ReplicationLogContractTests
{
    // One fake shared by every view: it is one process's memory, safe to call from several threads.
    private protected override Task<IReplicationLog[]> CreateLogsAsync(int count, int logLength = 1_000)
    {
        var log = new InMemoryReplicationLog(logLength);
        return Task.FromResult(Enumerable.Repeat<IReplicationLog>(log, count).ToArray());
    }
}

/// <summary>The same contract on the real Lua scripts, on a Redis server of the test class's own.</summary>
public abstract class RedisReplicationLogContractTests(RedisServerKind server) : ReplicationLogContractTests, IAsyncLifetime
{
    private readonly List<ConnectionMultiplexer> _connections = [];
    private readonly List<IAsyncDisposable> _publishers = [];
    private LocalRedisServer? _server;
    private ServiceProvider? _services;

    public async ValueTask InitializeAsync()
    {
        _server = await LocalRedisServer.StartAsync(server, TestContext.Current.CancellationToken);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    }

    // Every test gets its own key prefix, so tests share the server without sharing data.
    private protected override Task<IReplicationLog[]> CreateLogsAsync(int count, int logLength = 1_000) =>
        CreateLogsAsync($"contract-{Guid.NewGuid():N}", count, logLength);

    [Fact]
    public async Task Commit_AfterTheServerForgotItsScripts_StillCommits()
    {
        var log = (await CreateLogsAsync(1))[0];
        await SetAsync(log, "k", "before");

        await Server.ScriptFlushAsync();

        Assert.Equal(new CommitResult(CommitStatus.Committed, 2), await SetAsync(log, "k", "after"));
    }

    [Fact]
    public async Task Commit_WithIdempotencyKey_RecordExpiresAfterTheWindow()
    {
        var prefix = $"contract-{Guid.NewGuid():N}";
        var log = (await CreateLogsAsync(prefix, 1))[0];
        await SetAsync(log, "k", "v", idempotencyKey: "expiring");

        var ttl = await _connections[0].GetDatabase().KeyTimeToLiveAsync(new RedisReplicationKeys(prefix).Idempotency("expiring"));

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Commit_WhileASubscriberStopsReading_StillCommits()
    {
        var prefix = $"contract-{Guid.NewGuid():N}";
        var log = (await CreateLogsAsync(prefix, 1))[0];
        // A subscriber that never reads again, as a hung backend's subscription: its socket buffers fill up.
        using var stalled = new System.Net.Sockets.TcpClient();
        await stalled.ConnectAsync(System.Net.IPAddress.Loopback, _server!.Port, Cancellation);
        var channel = $"{prefix}:changes";
        await stalled.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"*2\r\n$9\r\nSUBSCRIBE\r\n${channel.Length}\r\n{channel}\r\n"), Cancellation);

        // 48 MiB of messages, far more than the socket buffers hold (and than redis-server's default limit for a
        // subscriber's output, after which it drops that subscriber).
        var value = new string('v', 256 * 1024);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 192; i++)
        {
            var result = await SetAsync(log, $"big-{i % 4}", value).WaitAsync(TimeSpan.FromSeconds(10), deadline.Token);
            Assert.Equal(CommitStatus.Committed, result.Status);
        }
    }

    [Fact]
    public async Task ScriptTime_IsTheServersClock()
    {
        // Not used by today's scripts: checked so that a design which reads the server's clock in a script can rely on it.
        await CreateLogsAsync(1);
        var time = (RedisResult[])(await _connections[0].GetDatabase().ScriptEvaluateAsync("return redis.call('TIME')"))!;
        var serverNow = DateTimeOffset.FromUnixTimeSeconds((long)time[0]).AddTicks((long)time[1] * 10);

        Assert.InRange(serverNow, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    private protected IServer Server => _connections[0].GetServer(_connections[0].GetEndPoints()[0]);

    private protected string ConnectionString => _server!.ConnectionString;

    private protected int ServerPort => _server!.Port;

    // confirmationServers: the servers asked whether another answers as the primary (the log's own when null).
    // completeFirstEpoch: false to find the server as it is (a promoted replica still holding its old primary's epoch).
    private protected async Task<IReplicationLog[]> CreateLogsAsync(
        string prefix, int count, int logLength = 1_000, int requiredAcks = 0, string? connectionString = null, bool followsFailovers = false,
        IConnectionMultiplexer? confirmationServers = null, TimeProvider? time = null, bool completeFirstEpoch = true)
    {
        time ??= TimeProvider.System;
        connectionString ??= _server!.ConnectionString;
        var options = Options.Create(new ReplicationOptions { KeyPrefix = prefix, LogLength = logLength });
        var logs = new IReplicationLog[count];
        for (var i = 0; i < count; i++)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
            lock (_connections)
            {
                _connections.Add(connection);
            }

            var metrics = new ReplicationMetrics(
                _services!.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new Replica(new KeyValueStore()), new ReplicationStatus());
            var publisher = new RedisPublisher(ConfigurationOptions.Parse(connectionString));
            // Long enough for a replica to confirm while other test classes load the machine (200 ms timed out once in CI).
            var commits = new RedisCommitConnection(connection, ConfigurationOptions.Parse(connectionString), requiredAcks, TimeSpan.FromSeconds(2), followsFailovers);
            lock (_connections)
            {
                _publishers.Add(publisher);
                _publishers.Add(commits);
            }

            logs[i] = new RedisReplicationLog(
                connection, commits, publisher, options, new ReplicationSigner("contract key"), metrics,
                new PrimaryConfirmation(confirmationServers ?? connection, time), time, NullLogger<RedisReplicationLog>.Instance);
        }

        if (completeFirstEpoch)
        {
            await logs[0].TryCompleteRestoreAsync("first", TestContext.Current.CancellationToken);
        }

        return logs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        foreach (var publisher in _publishers)
        {
            await publisher.DisposeAsync();
        }

        _services?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>On redis-server, which also has replicas: a write waits for them before it is acknowledged.</summary>
public sealed class RedisServerReplicationLogContractTests() : RedisReplicationLogContractTests(RedisServerKind.RedisServer)
{
    [Fact]
    public async Task Commit_WaitingForAReplicaThatIsNotThere_IsOutcomeUnknown_AndSoIsItsReplay()
    {
        var log = (await CreateLogsAsync($"contract-{Guid.NewGuid():N}", 1, requiredAcks: 1))[0];

        var first = await Assert.ThrowsAsync<ReplicationUnavailableException>(() => SetAsync(log, "k", "v", idempotencyKey: "unreplicated"));
        var replay = await Assert.ThrowsAsync<ReplicationUnavailableException>(() => SetAsync(log, "k", "v", idempotencyKey: "unreplicated"));

        // The primary has it (a retry is answered from its record), but no replica confirmed it, either time.
        Assert.True(first.OutcomeUnknown);
        Assert.True(replay.OutcomeUnknown);
        Assert.Contains("0 of the 1 replicas", replay.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_RefusalRecordedUnderAnIdempotencyKey_ThatNoReplicaConfirmed_IsOutcomeUnknown()
    {
        var log = (await CreateLogsAsync($"contract-{Guid.NewGuid():N}", 1, requiredAcks: 1))[0];

        // The condition refers to a version that does not exist: refused, and the refusal is recorded on the primary
        // alone. Losing it with the primary would let an earlier attempt of the same write commit later.
        var refused = await Assert.ThrowsAsync<ReplicationUnavailableException>(
            () => SetAsync(log, "k", "v", new WriteCondition(WriteConditionKind.IfVersion, 7), idempotencyKey: "unreplicated-refusal"));

        Assert.True(refused.OutcomeUnknown);
        Assert.Contains("0 of the 1 replicas", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WriteBackThatNoReplicaConfirmed_Fails_SoTheRestoreIsNotCompletedOnIt()
    {
        var log = (await CreateLogsAsync($"contract-{Guid.NewGuid():N}", 1, requiredAcks: 1))[0];

        var refused = await Assert.ThrowsAsync<ReplicationUnavailableException>(() => log.WriteBackAsync(
            [new ReplicationEntry(3, ChangeKind.Set, "held", "only on a backend"u8.ToArray(), Node, null)], highestSeenVersion: 3, Cancellation));

        Assert.True(refused.OutcomeUnknown);
        Assert.Contains("0 of the 1 replicas", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_WithAReplicaAttached_IsAcknowledgedOnceTheReplicaHasIt()
    {
        var log = (await CreateLogsAsync($"contract-{Guid.NewGuid():N}", 1, requiredAcks: 1))[0];
        await using var replica = await AttachReplicaAsync();

        var waits = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = ListenToReplicaWaits(waits.Enqueue);

        Assert.Equal(new CommitResult(CommitStatus.Committed, 1), await SetAsync(log, "k", "v", idempotencyKey: "replicated"));
        Assert.Equal(new CommitResult(CommitStatus.Replayed, 1), await SetAsync(log, "k", "v", idempotencyKey: "replicated"));
        // Each commit's trace shows its wait for the replica, the replay's included. Other tests' commits may run
        // meanwhile, so only the waits that confirmed a replica are counted.
        Assert.True(waits.Count(wait => Equals(wait.GetTagItem(BackendTelemetry.ReplicasAcknowledgedTag), 1L)) >= 2);
    }

    [Fact]
    public async Task ConcurrentCommits_ShareAWait_AndEachIsAcknowledgedWithAVersionOfItsOwn()
    {
        var log = (await CreateLogsAsync($"contract-{Guid.NewGuid():N}", 1, requiredAcks: 1))[0];
        await using var replica = await AttachReplicaAsync();

        var groups = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var listener = ListenToReplicaWaits(wait =>
        {
            if (wait.GetTagItem(BackendTelemetry.CommitGroupTag) is int group)
            {
                groups.Enqueue(group);
            }
        });

        const int Writes = 200;
        var results = await Task.WhenAll(Enumerable.Range(0, Writes).Select(i => SetAsync(log, $"group-{i}", "v")));

        Assert.All(results, result => Assert.Equal(CommitStatus.Committed, result.Status));
        Assert.Equal(Writes, results.Select(result => result.Version).Distinct().Count());
        // Sent at once, they cannot all have waited alone: some commits went out together before one WAIT.
        Assert.Contains(groups, group => group > 1);
        Assert.All(groups, group => Assert.InRange(group, 1, RedisCommitConnection.MaxGroup));
    }

    /// <summary>Starts a redis-server and makes it a replica of the test's server, linked before this returns.</summary>
    private async Task<LocalRedisServer> AttachReplicaAsync()
    {
        var replica = await LocalRedisServer.StartAsync(RedisServerKind.RedisServer, Cancellation);
        try
        {
            await using var toReplica = await ConnectionMultiplexer.ConnectAsync(replica.ConnectionString + ",allowAdmin=true");
            var replicaServer = toReplica.GetServer(toReplica.GetEndPoints()[0]);
            await replicaServer.ReplicaOfAsync(Server.EndPoint);
            await WaitForReplicationLinkAsync(replicaServer);
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls <paramref name="stopped"/> with every <c>WAIT replicas</c> span that ends while the listener lives.</summary>
    private static ActivityListener ListenToReplicaWaits(Action<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BackendTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == BackendTelemetry.ReplicaWaitSpan)
                {
                    stopped(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public async Task Commit_OnAPromotedReplica_EndsTheEpochBeforeAnyVersionIsAssigned_AndARestoreStartsAHigherOne()
    {
        var prefix = $"contract-{Guid.NewGuid():N}";
        await using var replica = await LocalRedisServer.StartAsync(RedisServerKind.RedisServer, Cancellation);
        await using var toReplica = await ConnectionMultiplexer.ConnectAsync(replica.ConnectionString + ",allowAdmin=true");
        var replicaServer = toReplica.GetServer(toReplica.GetEndPoints()[0]);
        await replicaServer.ReplicaOfAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ServerPort));
        await WaitForReplicationLinkAsync(replicaServer);
        // The epoch starts on the primary with its replica attached (a primary takes a new replication id when its first replica attaches).
        var primary = (await CreateLogsAsync(prefix, 1, requiredAcks: 1, followsFailovers: true))[0];
        Assert.Equal(new CommitResult(CommitStatus.Committed, 1), await SetAsync(primary, "k", "before"));
        var epoch = (await primary.ReadStateAsync(Cancellation)).Epoch!;
        Assert.Equal(new ClusterState(1, epoch, PrimaryChanged: false, ConnectedReplicas: 1), (await primary.ReadStateAsync(Cancellation)) with { Server = null, Clock = 0 });

        // What Sentinel does in a failover; the replica has the epoch and the write, but it is not the epoch's primary.
        await replicaServer.ReplicaOfAsync(null!);
        var promoted = (await CreateLogsAsync(prefix, 1, connectionString: replica.ConnectionString, followsFailovers: true, completeFirstEpoch: false))[0];
        var before = await promoted.ReadStateAsync(Cancellation);
        var commit = await SetAsync(promoted, "k", "after the promotion");

        Assert.Equal(new ClusterState(1, epoch, PrimaryChanged: true, ConnectedReplicas: 0), before with { Server = null, Clock = 0 });
        Assert.Equal(new CommitResult(CommitStatus.RecoveryNeeded, 0), commit);
        Assert.Equal(new ClusterState(1, null, PrimaryChanged: false, ConnectedReplicas: 0), (await promoted.ReadStateAsync(Cancellation)) with { Server = null, Clock = 0 });

        await promoted.JoinRestoreAsync(Node, Epochs.GenerationOf(epoch), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5), Cancellation);
        await promoted.LeaveRestoreAsync(Node, Cancellation);
        var next = await Eventually(() => promoted.TryCompleteRestoreAsync("after-failover", Cancellation));

        Assert.Equal(Epochs.GenerationOf(epoch) + 1, Epochs.GenerationOf(next));
        Assert.False((await promoted.ReadStateAsync(Cancellation)).PrimaryChanged);
        Assert.Equal(new CommitResult(CommitStatus.Committed, 2), await SetAsync(promoted, "k", "after the restore"));
    }

    [Fact]
    public async Task Restore_OnAPromotedReplica_ThatStillHoldsTheOldEpoch_CompletesANewOne()
    {
        var prefix = $"contract-{Guid.NewGuid():N}";
        await using var replica = await LocalRedisServer.StartAsync(RedisServerKind.RedisServer, Cancellation);
        await using var toReplica = await ConnectionMultiplexer.ConnectAsync(replica.ConnectionString + ",allowAdmin=true");
        var replicaServer = toReplica.GetServer(toReplica.GetEndPoints()[0]);
        await replicaServer.ReplicaOfAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ServerPort));
        await WaitForReplicationLinkAsync(replicaServer);
        var primary = (await CreateLogsAsync(prefix, 1, requiredAcks: 1, followsFailovers: true))[0];
        // Acknowledged by the replica, so it has everything before it too: the epoch.
        Assert.Equal(new CommitResult(CommitStatus.Committed, 1), await SetAsync(primary, "k", "before"));
        var epoch = (await primary.ReadStateAsync(Cancellation)).Epoch!;
        await replicaServer.ReplicaOfAsync(null!);

        // No commit and no end of the epoch reached the promoted server first (they went to another one, or the
        // backend read a state without an epoch): the restore itself must not hand back the epoch it holds.
        var promoted = (await CreateLogsAsync(prefix, 1, connectionString: replica.ConnectionString, followsFailovers: true, completeFirstEpoch: false))[0];
        Assert.Equal(epoch, (await promoted.ReadStateAsync(Cancellation)).Epoch);
        await promoted.JoinRestoreAsync(Node, Epochs.GenerationOf(epoch), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5), Cancellation);
        await promoted.LeaveRestoreAsync(Node, Cancellation);
        var next = await Eventually(() => promoted.TryCompleteRestoreAsync("after-failover", Cancellation));

        Assert.NotEqual(epoch, next);
        Assert.Equal(Epochs.GenerationOf(epoch) + 1, Epochs.GenerationOf(next));
        Assert.False((await promoted.ReadStateAsync(Cancellation)).PrimaryChanged);
    }

    [Fact]
    public async Task Commit_AnsweredLate_WhileAnotherServerAnswersAsPrimary_IsOutcomeUnknown()
    {
        var prefix = $"contract-{Guid.NewGuid():N}";
        // A promoted replica: a primary of its own, with another replication id.
        await using var promoted = await LocalRedisServer.StartAsync(RedisServerKind.RedisServer, Cancellation);
        await using var servers = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},{promoted.ConnectionString}");
        // Every reading of the clock is 2 s after the last: each commit looks answered after the Sentinels' down-after time.
        var slow = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(2) };
        var late = (await CreateLogsAsync(prefix, 1, followsFailovers: true, confirmationServers: servers, time: slow))[0];
        var alone = (await CreateLogsAsync(prefix, 1, followsFailovers: true, time: slow))[0];
        var lost = await Assert.ThrowsAsync<ReplicationUnavailableException>(() => SetAsync(late, "k", "committed on a demoted primary"));
        var kept = await SetAsync(alone, "k", "committed on the only primary");

        Assert.True(lost.OutcomeUnknown);
        Assert.Equal(CommitStatus.Committed, kept.Status);
    }

    [Fact]
    public async Task Reads_BehindSentinel_AreAnsweredOnlyByTheServerTheStateWasReadFrom()
    {
        var prefix = $"contract-{Guid.NewGuid():N}";
        var writer = (await CreateLogsAsync(prefix, 1))[0];
        for (var i = 0; i < 3; i++)
        {
            await SetAsync(writer, $"k{i}", "v");
        }

        var reader = (await CreateLogsAsync(prefix, 1, followsFailovers: true))[0];

        var state = await reader.ReadStateAsync(Cancellation);
        // Another server (a demoted primary, say) must not answer for this one: refused as an outage.
        await Assert.ThrowsAsync<ReplicationUnavailableException>(() => reader.ReadRangeAsync(1, 3, 10, "another-server", Cancellation));
        await Assert.ThrowsAsync<ReplicationUnavailableException>(async () =>
        {
            await foreach (var entry in reader.ReadDurableCopyAsync("another-server", Cancellation))
            {
            }
        });
        var range = await reader.ReadRangeAsync(1, 3, 10, state.Server, Cancellation);
        var copy = new List<string>();
        await foreach (var entry in reader.ReadDurableCopyAsync(state.Server, Cancellation))
        {
            copy.Add(entry.Key);
        }

        Assert.Equal([1L, 2L, 3L], range.Select(entry => entry.Version));
        Assert.Equal(["k0", "k1", "k2"], copy.Order(StringComparer.Ordinal));
    }

    private static async Task WaitForReplicationLinkAsync(IServer replicaServer)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while ((await replicaServer.InfoRawAsync("replication"))?.Contains("master_link_status:up", StringComparison.Ordinal) != true)
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}

/// <summary>On Garnet, started from the product's own host, with the settings the AppHost runs it with.</summary>
public sealed class GarnetReplicationLogContractTests() : RedisReplicationLogContractTests(RedisServerKind.Garnet);
