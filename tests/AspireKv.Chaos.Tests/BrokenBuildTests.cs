using AspireKv.Chaos.Checking;
using AspireKv.Chaos.History;
using AspireKv.Chaos.Tests.Simulation;

namespace AspireKv.Chaos.Tests;

/// <summary>
/// Each checker against a deterministic simulation of the system, once built right and once with a deliberate
/// bug: the right build must pass, and the broken one must be caught. A checker that passes both is not checking.
/// </summary>
public sealed class BrokenBuildTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LostWriteChecker_ReplicasThatApplyOnlyNewerVersions_Pass(int seed)
    {
        var history = ReplicaConvergenceSimulation.Run(seed, new SimulatedReplica("a"), new SimulatedReplica("b"), new SimulatedReplica("c"));

        var result = new LostWriteChecker().Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LostWriteChecker_CatchesReplicaThatAppliesWhateverArrivesLast(int seed)
    {
        var broken = new SimulatedReplica("broken", checksVersions: false);
        var history = ReplicaConvergenceSimulation.Run(seed, new SimulatedReplica("a"), new SimulatedReplica("b"), broken);

        var result = new LostWriteChecker().Check(history);

        Assert.Contains(result.Violations, line => line.Contains("is lost on broken,", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Violations, line => line.Contains("is lost on a", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LinearizabilityChecker_StrongReadsServedByTheLeader_Pass(int seed)
    {
        var history = LaggingReadSimulation.Run(seed, Consistency.Strong, servesEveryReadFromFollower: false);

        var result = new LinearizabilityChecker().Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LinearizabilityChecker_CatchesStrongReadServedByLaggingReplica(int seed)
    {
        var history = LaggingReadSimulation.Run(seed, Consistency.Strong, servesEveryReadFromFollower: true);

        var result = new LinearizabilityChecker().Check(history);

        Assert.NotEmpty(result.Violations);
        Assert.All(result.Violations, line => Assert.Contains("not linearizable", line, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SessionChecker_SessionReadsServedOnlyOnceCaughtUpToTheToken_Pass(int seed)
    {
        var history = LaggingReadSimulation.Run(seed, Consistency.Session, servesEveryReadFromFollower: false);

        var result = new SessionChecker().Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
        Assert.Contains(history.Operations, op => op.ServedBy == "follower");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SessionChecker_CatchesSessionReadThatIgnoresTheToken(int seed)
    {
        var history = LaggingReadSimulation.Run(seed, Consistency.Session, servesEveryReadFromFollower: true);

        var result = new SessionChecker().Check(history);

        Assert.Contains(result.Violations, line => line.Contains("went back in time", StringComparison.Ordinal) || line.Contains("found nothing", StringComparison.Ordinal));
    }
}
