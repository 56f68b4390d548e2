using AspireKv.Chaos.Checking;
using AspireKv.Chaos.History;

namespace AspireKv.Chaos.Tests.Checking;

public sealed class LostWriteCheckerTests
{
    private static CheckResult Check(HistoryBuilder builder) => new LostWriteChecker().Check(builder.Build());

    /// <summary>x ends with b (v2), y was deleted (v4), z holds the value of a write of unknown outcome (v5).</summary>
    private static HistoryBuilder Writes() => new HistoryBuilder()
        .Set("x", "a", 0, 10, version: 1)
        .Set("x", "b", 20, 30, version: 2)
        .Set("y", "c", 0, 10, version: 3)
        .Delete("y", 40, 50, version: 4)
        .Set("z", "d", 60, 70, outcome: Outcome.Unknown)
        .Set("z", "e", 80, 90, outcome: Outcome.Failed);

    private static (string, string?, long?)[] Good => [("x", "b", 2), ("y", null, null), ("z", "d", 5)];

    [Fact]
    public void Check_IdenticalReplicasKeepingEveryAcknowledgedWrite_Passes()
    {
        var history = Writes().Replica("a", "d1", 5, Good).Replica("b", "d1", 5, Good).Replica("c", "d1", 5, Good);

        var result = Check(history);

        Assert.True(result.Passed, string.Join('\n', result.Violations));
        Assert.Equal(3, result.Checked);
    }

    [Fact]
    public void Check_NewerWriteOfUnknownOutcomeOverAcknowledgedOne_Passes()
    {
        var history = Writes().Set("x", "f", 100, 110, outcome: Outcome.Unknown);
        (string, string?, long?)[] entries = [("x", "f", 6), ("y", null, null), ("z", "d", 5)];

        Assert.True(Check(history.Replica("a", "d1", 6, entries).Replica("b", "d1", 6, entries)).Passed);
    }

    [Fact]
    public void Check_KeyEmptiedByDeleteOfUnknownOutcomeAfterAcknowledgedSet_Passes()
    {
        var history = Writes().Delete("x", 100, 110, outcome: Outcome.Unknown);
        (string, string?, long?)[] entries = [("x", null, null), ("y", null, null), ("z", "d", 5)];

        var result = Check(history.Replica("a", "d1", 6, entries));

        Assert.True(result.Passed, string.Join('\n', result.Violations));
    }

    [Fact]
    public void Check_KeyEmptiedWhenTheOnlyDeleteIsOlderThanTheAcknowledgedSet_Fails()
    {
        var history = new HistoryBuilder()
            .Set("x", "a", 0, 10, version: 1)
            .Delete("x", 20, 30, version: 2)
            .Set("x", "b", 40, 50, version: 3)
            .Replica("a", "d1", 3, ("x", null, null));

        var line = Assert.Single(Check(history).Violations);

        Assert.Contains("acknowledged op 3 ", line, StringComparison.Ordinal);
        Assert.EndsWith("is lost on a, where the key holds nothing", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AcknowledgedWriteMissingOnOneReplica_Fails()
    {
        var history = Writes()
            .Replica("a", "d1", 5, Good)
            .Replica("b", "d1", 5, Good)
            .Replica("c", "d1", 5, ("x", "a", 1), ("y", null, null), ("z", "d", 5));

        var result = Check(history);

        Assert.Equal(2, result.Violations.Count);
        Assert.Contains(result.Violations, line => line.StartsWith("key \"x\" differs between replicas: \"b\" v2 on a, b; \"a\" v1 on c", StringComparison.Ordinal));
        Assert.Contains(result.Violations, line => line.StartsWith("key \"x\": acknowledged op 2 ", StringComparison.Ordinal) && line.EndsWith("is lost on c, where the key holds \"a\" v1", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_AcknowledgedDeleteUndoneOnEveryReplica_Fails()
    {
        (string, string?, long?)[] entries = [("x", "b", 2), ("y", "c", 3), ("z", "d", 5)];

        var result = Check(Writes().Replica("a", "d1", 5, entries).Replica("b", "d1", 5, entries));

        var line = Assert.Single(result.Violations);
        Assert.Contains("acknowledged op 4 ", line, StringComparison.Ordinal);
        Assert.Contains("is lost on a, b", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReplicasWithDifferentDigestsOrAppliedVersions_Fails()
    {
        var history = Writes().Replica("a", "d1", 5, Good).Replica("b", "d2", 4, Good);

        var result = Check(history);

        Assert.Equal(["digests differ: a has d1, b has d2", "applied versions differ: a has v5, b has v4"], result.Violations);
    }

    [Fact]
    public void Check_FinalValueFromFailedWrite_Fails()
    {
        (string, string?, long?)[] entries = [("x", "b", 2), ("y", null, null), ("z", "e", 6)];

        var result = Check(Writes().Replica("a", "d1", 6, entries));

        var line = Assert.Single(result.Violations);
        Assert.Contains("\"e\" v6 on a was written by op 6 ", line, StringComparison.Ordinal);
        Assert.Contains("which had no effect", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FinalValueNoOneWrote_Fails()
    {
        (string, string?, long?)[] entries = [("x", "b", 2), ("y", null, null), ("z", "d", 5), ("w", "ghost", 9)];

        var line = Assert.Single(Check(Writes().Replica("a", "d1", 9, entries)).Violations);

        Assert.Equal("key \"w\": \"ghost\" v9 on a is a value no operation wrote", line);
    }

    [Fact]
    public void Check_AcknowledgedValueUnderAnotherVersion_Fails()
    {
        (string, string?, long?)[] entries = [("x", "b", 7), ("y", null, null), ("z", "d", 5)];

        var line = Assert.Single(Check(Writes().Replica("a", "d1", 7, entries)).Violations);

        Assert.Contains("but op 2 ", line, StringComparison.Ordinal);
        Assert.Contains("wrote it as v2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_KeyMissingFromAReplicasList_CountsAsHoldingNothing()
    {
        var result = Check(Writes().Replica("a", "d1", 5, ("y", null, null), ("z", "d", 5)));

        var line = Assert.Single(result.Violations);
        Assert.Contains("is lost on a, where the key holds nothing", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoSnapshots_FailsRatherThanPassingVacuously()
    {
        var line = Assert.Single(Check(Writes()).Violations);

        Assert.Contains("no final snapshot", line, StringComparison.Ordinal);
    }
}
