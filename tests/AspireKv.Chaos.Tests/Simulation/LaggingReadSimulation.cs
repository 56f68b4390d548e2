using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Simulation;

/// <summary>
/// Clients take turns writing and reading two keys on a <see cref="LaggingCluster"/>, one operation per tick, and
/// the history records what they saw. How a read is served is the parameter: a correct build serves strong reads
/// from the leader and session reads from the follower only once it has caught up to the client's token; a broken
/// one serves them from the follower regardless.
/// </summary>
internal static class LaggingReadSimulation
{
    private const int Ticks = 300;
    private const int Clients = 3;
    private const int LagTicks = 4;
    private static readonly string[] Keys = ["k0", "k1"];

    public static ChaosHistory Run(int seed, Consistency readConsistency, bool servesEveryReadFromFollower)
    {
        var random = new Random(seed);
        var cluster = new LaggingCluster(LagTicks);
        var tokens = new long[Clients];
        var operations = new List<Operation>();
        for (var id = 1; id <= Ticks; id++)
        {
            cluster.Tick();
            var client = random.Next(Clients);
            var key = Keys[random.Next(Keys.Length)];
            var (from, to) = (id * 10L, (id * 10L) + 5);
            var roll = random.Next(10);
            if (roll < 5)
            {
                var token = tokens[client];
                var servedByFollower = servesEveryReadFromFollower
                    || (readConsistency == Consistency.Session && cluster.Follower.AppliedVersion >= token);
                var replica = servedByFollower ? cluster.Follower : cluster.Leader;
                var (value, version) = replica.Read(key);
                tokens[client] = Math.Max(token, version ?? 0);
                operations.Add(new Operation(
                    id, client, OperationKind.Read, key, value, null, readConsistency,
                    readConsistency == Consistency.Session ? token : null, from, to,
                    value is null ? Outcome.NotFound : Outcome.Ok, version, replica.AppliedVersion, replica.Name, value is null ? 404 : 200, null));
            }
            else
            {
                var value = roll < 8 ? "w" + id : null;
                var version = cluster.Write(key, value);
                tokens[client] = Math.Max(tokens[client], version ?? 0);
                operations.Add(new Operation(
                    id, client, value is null ? OperationKind.Delete : OperationKind.Set, key, value, null, Consistency.Strong, null, from, to,
                    version is null ? Outcome.NotFound : Outcome.Ok, version, null, cluster.Leader.Name, version is null ? 404 : 200, null));
            }
        }

        return new ChaosHistory(seed, operations, [], []);
    }
}
