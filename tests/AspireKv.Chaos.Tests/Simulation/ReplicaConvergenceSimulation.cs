using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Simulation;

/// <summary>
/// Replicas fed the same writes in different orders, with some delivered twice: what a replication log gives
/// replicas that reconnect, resync and retry. Every write was acknowledged with its version; at the end the
/// replicas must agree and keep the newest write of each key whatever order it arrived in.
/// </summary>
internal static class ReplicaConvergenceSimulation
{
    private const int Writes = 200;
    private static readonly string[] Keys = ["k0", "k1", "k2", "k3"];

    /// <param name="seed">Chooses the writes and each replica's delivery order.</param>
    /// <param name="replicas">The replicas; each gets its own shuffled, duplicated copy of the stream.</param>
    public static ChaosHistory Run(int seed, params SimulatedReplica[] replicas)
    {
        var random = new Random(seed);
        var operations = new List<Operation>();
        var messages = new List<ReplicationMessage>();
        var holdsValue = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= Writes; i++)
        {
            var key = Keys[random.Next(Keys.Length)];
            var delete = holdsValue.Contains(key) && random.Next(4) == 0;
            var value = delete ? null : "w" + i;
            if (delete)
            {
                holdsValue.Remove(key);
            }
            else
            {
                holdsValue.Add(key);
            }

            messages.Add(new ReplicationMessage(key, value, i));
            operations.Add(new Operation(
                i, 1, delete ? OperationKind.Delete : OperationKind.Set, key, value, null, Consistency.Strong, null,
                i * 10, (i * 10) + 5, Outcome.Ok, i, null, null, delete ? 204 : 200, null));
        }

        foreach (var replica in replicas)
        {
            foreach (var message in Deliveries(messages, random))
            {
                replica.Apply(message);
            }
        }

        return new ChaosHistory(seed, operations, [], [.. replicas.Select(replica => replica.Snapshot(Keys))]);
    }

    /// <summary>
    /// The stream with about a third of its messages delivered again later, locally reordered, and then, as after a
    /// reconnect, partly replayed from a checkpoint some way back (the replay cut short by the next disconnect): every
    /// message arrives at least once, many more often, and the last to arrive for a key is often not its newest.
    /// </summary>
    private static List<ReplicationMessage> Deliveries(List<ReplicationMessage> messages, Random random)
    {
        var delivered = new List<ReplicationMessage>(messages);
        foreach (var (message, position) in messages.Select((message, position) => (message, position)).ToList())
        {
            if (random.Next(3) == 0)
            {
                delivered.Insert(random.Next(position + 1, delivered.Count + 1), message);
            }
        }

        for (var i = 0; i + 1 < delivered.Count; i++)
        {
            var j = Math.Min(delivered.Count - 1, i + random.Next(5));
            (delivered[i], delivered[j]) = (delivered[j], delivered[i]);
        }

        var checkpoint = random.Next(messages.Count / 2, messages.Count - 20);
        delivered.AddRange(messages.Skip(checkpoint).Take(random.Next(10, 20)));
        return delivered;
    }
}
