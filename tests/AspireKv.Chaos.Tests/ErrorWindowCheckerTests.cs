using AspireKv.Chaos.Checking;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests;

public sealed class ErrorWindowCheckerTests
{
    private static readonly ErrorWindowChecker Checker = new(TimeSpan.FromSeconds(1));

    [Theory]
    [InlineData("RestartRedis", "redis", OperationKind.Set, Consistency.Local, null, true)]
    [InlineData("RestartRedisEmpty", "redis", OperationKind.Read, Consistency.Strong, null, true)]
    [InlineData("RestartRedis", "redis", OperationKind.Read, Consistency.Local, null, false)]
    [InlineData("RestartBalancer", "balancer", OperationKind.Read, Consistency.Local, null, true)]
    [InlineData("CutBackendFromRedis", "backend-1", OperationKind.Set, Consistency.Local, "backend-1", true)]
    [InlineData("CutBackendFromRedis", "backend-1", OperationKind.Set, Consistency.Local, "backend-2", false)]
    [InlineData("CutBackendFromRedis", "backend-1", OperationKind.Read, Consistency.Local, "backend-1", false)]
    [InlineData("SlowBackendLink", "backend-1", OperationKind.Read, Consistency.Session, null, true)]
    [InlineData("KillBackend", "backend-1", OperationKind.Read, Consistency.Local, null, false)]
    [InlineData("KillBackend", "backend-1", OperationKind.Set, Consistency.Local, null, false)]
    [InlineData("PauseBackend", "backend-1", OperationKind.Read, Consistency.Strong, "backend-1", false)]
    [InlineData("PauseBackend", "backend-1", OperationKind.Read, Consistency.Local, null, false)]
    public void Check_ErrorDuringFault_ExcusedOnlyWhenTheFaultExplainsIt(string fault, string target, OperationKind kind, Consistency consistency, string? servedBy, bool excused)
    {
        var history = History(Failed(kind, consistency, servedBy, at: 2_000_000, status: 503), new FaultEvent(fault, target, 1_000_000, 3_000_000, 3_000_000));

        Assert.Equal(excused, Checker.Check(history).Passed);
    }

    [Theory]
    [InlineData(500_000, true)]
    [InlineData(3_900_000, true)]
    [InlineData(4_200_000, false)]
    public void Check_ErrorNearAFault_ExcusedUntilTheGraceEnds(long invokedAt, bool overlaps)
    {
        var failure = Failed(OperationKind.Set, Consistency.Local, null, at: invokedAt, status: 503) with { CompletedAt = Math.Max(invokedAt + 100, 1_000_100) };
        var history = History(failure, new FaultEvent("RestartRedis", "redis", 1_000_000, 3_000_000, 3_000_000));

        Assert.Equal(overlaps, Checker.Check(history).Passed);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    public void Check_ServerBugOrInvalidRequest_NeverExcused(int status)
    {
        var history = History(Failed(OperationKind.Set, Consistency.Local, "backend-1", at: 2_000_000, status: status), new FaultEvent("RestartBalancer", "balancer", 1_000_000, 3_000_000, 3_000_000));

        Assert.False(Checker.Check(history).Passed);
    }

    [Fact]
    public void Check_ErrorAfterTheFaultEndedButBeforeRecovery_Excused()
    {
        // Redis is back at 3 s, but the backends restore its data until 6 s: writes are refused until then.
        var history = History(Failed(OperationKind.Set, Consistency.Local, "backend-1", at: 5_500_000, status: 503), new FaultEvent("RestartRedisEmpty", "redis", 1_000_000, 3_000_000, 6_000_000));

        Assert.True(Checker.Check(history).Passed);
    }

    [Fact]
    public void Check_NoErrors_Passes()
    {
        var ok = new Operation(1, 1, OperationKind.Set, "k", "v", null, Consistency.Local, null, 0, 10, Outcome.Ok, 1, 1, "backend-1", 204, null);

        Assert.True(Checker.Check(History(ok)).Passed);
    }

    private static Operation Failed(OperationKind kind, Consistency consistency, string? servedBy, long at, int status) =>
        new(1, 1, kind, "k", kind == OperationKind.Read ? null : "v", null, consistency, null, at, at + 1_000, Outcome.Failed, null, null, servedBy, status, $"{status}");

    private static ChaosHistory History(Operation operation, params FaultEvent[] faults) => new(1, [operation], faults, []);
}
