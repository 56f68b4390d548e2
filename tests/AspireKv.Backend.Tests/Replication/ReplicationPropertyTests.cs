using AspireKv.Backend.Replication;
using AspireKv.Backend.Storage;
using CsCheck;

namespace AspireKv.Backend.Tests.Replication;

/// <summary>
/// The replication core against every delivery the channel can produce: for any sequence of writes, each
/// replica receives any subset of the messages, some twice, in any order; then it catches up the way a
/// backend does (the recent log, or the durable copy when the log was trimmed). Every replica must end with
/// exactly the content of applying all writes in order, at the head version.
/// </summary>
public sealed class ReplicationPropertyTests
{
    private const int MaxWrites = 120;
    private const int Replicas = 3;

    private static readonly Gen<(int Key, bool Delete, byte Value)> GenWrite =
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, 4].Select(i => i == 0), Gen.Byte);

    // For each message: how often it reaches the replica (0: lost, 2: duplicated) and where it lands in the order.
    private static readonly Gen<(int Copies, int Order)[]> GenDelivery =
        Gen.Select(Gen.Int[0, 2], Gen.Int).Array[MaxWrites];

    private static readonly Gen<Scenario> GenScenario =
        Gen.Select(GenWrite.Array[1, MaxWrites], GenDelivery.Array[Replicas], Gen.Int[1, MaxWrites + 10], Gen.Int[1, 20])
            .Select((writes, deliveries, logLength, batchSize) => new Scenario(writes, deliveries, logLength, batchSize));

    [Fact]
    public void AnyLossDuplicationAndReorderingFollowedByCatchUp_EndsInIdenticalStates() =>
        GenScenario.Sample(scenario =>
        {
            var entries = scenario.Entries();
            var head = entries[^1].Version;
            var expected = Digest(Apply(new Replica(new KeyValueStore()), entries));
            var recentLog = entries.Skip(Math.Max(0, entries.Count - scenario.LogLength)).ToList();
            var durableCopy = entries.GroupBy(e => e.Key).Select(g => g.Last()).ToList();

            for (var r = 0; r < Replicas; r++)
            {
                var replica = new Replica(new KeyValueStore());
                foreach (var entry in Deliver(entries, scenario.Deliveries[r]))
                {
                    replica.Apply(entry);
                }

                CatchUp(replica, head, recentLog, durableCopy, scenario.BatchSize);

                Assert.Equal(head, replica.AppliedVersion);
                Assert.Null(replica.FirstMissingVersion);
                Assert.Equal(expected, Digest(replica));
            }
        }, iter: 500);

    [Fact]
    public void DuplicatedAndReorderedDeliveryWithoutLoss_NeedsNoCatchUp() =>
        GenScenario.Sample(scenario =>
        {
            var entries = scenario.Entries();
            var expected = Digest(Apply(new Replica(new KeyValueStore()), entries));
            var replica = new Replica(new KeyValueStore());
            var delivery = scenario.Deliveries[0].Select(d => (Copies: Math.Max(1, d.Copies), d.Order)).ToArray();

            foreach (var entry in Deliver(entries, delivery))
            {
                replica.Apply(entry);
            }

            Assert.Equal(entries[^1].Version, replica.AppliedVersion);
            Assert.Equal(expected, Digest(replica));
        }, iter: 500);

    // What ReplicationSynchronizer does after a gap or at a check: the log, or the durable copy if the log is too short.
    private static void CatchUp(Replica replica, long head, List<ReplicationEntry> recentLog, List<ReplicationEntry> durableCopy, int batchSize)
    {
        var filled = LogReplay.FillAsync(() => replica.AppliedVersion, head, batchSize, ReadRange, entry => replica.Apply(entry)).GetAwaiter().GetResult();
        if (filled is null)
        {
            foreach (var entry in durableCopy)
            {
                replica.Apply(entry);
            }

            replica.CompleteFullSync(head);
        }

        Task<IReadOnlyList<ReplicationEntry>> ReadRange(long from, long to, int limit) =>
            Task.FromResult<IReadOnlyList<ReplicationEntry>>(recentLog.Where(e => e.Version >= from && e.Version <= to).Take(limit).ToList());
    }

    private static IEnumerable<ReplicationEntry> Deliver(List<ReplicationEntry> entries, (int Copies, int Order)[] delivery) =>
        entries
            .SelectMany((entry, i) => Enumerable.Repeat((entry, delivery[i].Order + i), delivery[i].Copies))
            .OrderBy(d => d.Item2)
            .Select(d => d.entry);

    private static Replica Apply(Replica replica, IEnumerable<ReplicationEntry> entries)
    {
        foreach (var entry in entries)
        {
            replica.Apply(entry);
        }

        return replica;
    }

    private static string Digest(Replica replica) => StoreDigestCalculator.Compute(replica.Store.Entries);

    private sealed record Scenario((int Key, bool Delete, byte Value)[] Writes, (int Copies, int Order)[][] Deliveries, int LogLength, int BatchSize)
    {
        public List<ReplicationEntry> Entries() =>
        [
            .. Writes.Select((w, i) => new ReplicationEntry(
                i + 1, w.Delete ? ChangeKind.Delete : ChangeKind.Set, $"k{w.Key}", w.Delete ? [] : [w.Value], "writer", null)),
        ];
    }
}
